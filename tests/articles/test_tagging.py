import pytest

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_an_articles_tags_are_its_own_in_the_order_given():
    first = make_article(tags=["water", "energy", "borders"])
    make_article(tags=["trade", "water"])
    assert [tag.name for tag in first.tags.all()] == ["water", "energy", "borders"]
    assert sorted(first.tags.names()) == ["borders", "energy", "water"]


def test_prefetched_tags_cost_one_query_for_any_number_of_articles(django_assert_num_queries):
    expected = {make_article(tags=[f"tag-{n}", "shared"]).pk: ["shared", f"tag-{n}"] for n in range(12)}
    with django_assert_num_queries(2):
        articles = list(Article.objects.filter(pk__in=expected).prefetch_related("tags"))
        got = {article.pk: sorted(tag.name for tag in article.tags.all()) for article in articles}
    assert got == expected


def test_articles_are_found_by_tag():
    tagged = make_article(tags=["water"])
    make_article(tags=["trade"])
    assert list(Article.objects.filter(tags__name="water")) == [tagged]
