import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from taggit.models import Tag, TaggedItem

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


@pytest.mark.parametrize("name", ["[]", "!!!", "  "])
def test_a_tag_that_cannot_have_a_web_address_cannot_be_made(name):
    article = make_article()
    with pytest.raises(ValidationError):
        Tag.objects.create(name=name)
    with pytest.raises(ValidationError):
        article.tags.add(name)
    with pytest.raises(ValidationError):
        Tag.objects.create(name="water", slug="not a slug")
    assert not Tag.objects.exists() and not article.tags.exists()


def test_tags_in_any_alphabet_get_their_web_address():
    article = make_article(tags=["энергетика", "suv va iqlim"])
    assert sorted(article.tags.values_list("slug", flat=True)) == ["suv-va-iqlim", "энергетика"]


def test_an_article_with_a_tag_left_without_a_slug_still_answers_200(client):
    """A tag stored before the rule (or restored from an old backup) shows as text, not as a broken link."""
    article = make_article(tags=["water"])
    (broken,) = Tag.objects.bulk_create([Tag(name="[]", slug="")])
    article.tags.add(broken)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="tag">[]</span>' in html and 'href="/en/tags/water/"' in html


def repair_tags():
    importlib.import_module("articles.migrations.0005_repair_broken_tags").repair_tags(django_apps, None)


def tagged(article, *names, slug=None):
    """Tag `article` with `names` as the old admin form did, bypassing the rule (a slug of "" if given)."""
    for name in names:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            made = Tag(name=name, slug=f"old-{Tag.objects.count()}" if slug is None else slug)
            (tag,) = Tag.objects.bulk_create([made])
        TaggedItem.objects.create(tag=tag, content_object=article)


def test_repair_merges_junk_tags_into_the_real_tags_they_name():
    climate, trade = Tag.objects.create(name="climate"), Tag.objects.create(name="trade")
    twice_saved = make_article()
    tagged(twice_saved, "[<Tag: [<Tag: climate>>", "<Tag: <Tag: trade>]>]")
    once_saved = make_article(tags=["trade"])
    tagged(once_saved, "[<Tag: climate>", "<Tag: trade>]")
    repair_tags()
    assert set(Tag.objects.values_list("name", flat=True)) == {"climate", "trade"}
    assert set(twice_saved.tags.all()) == set(once_saved.tags.all()) == {climate, trade}


def test_repair_removes_junk_naming_no_tag_and_renames_junk_whose_tag_is_gone():
    single, untagged = make_article(), make_article()
    tagged(single, "[<Tag:", "glaciers>]")  # one tag, split on spaces by the old form
    tagged(untagged, "[]")
    repair_tags()
    assert list(single.tags.names()) == ["glaciers"] and not untagged.tags.exists()
    assert list(Tag.objects.values_list("name", "slug")) == [("glaciers", "glaciers")]


def test_repair_gives_other_tags_without_a_slug_one_from_their_name_or_removes_them():
    article = make_article(tags=["water-2"])
    tagged(article, "water 2", slug="")  # its slug, "water-2", is taken
    tagged(article, "★", slug="★ ")  # slugs are unique: one tag at most has "", others hold no URL either
    repair_tags()
    assert dict(Tag.objects.values_list("name", "slug")) == {"water-2": "water-2", "water 2": "water-2_1"}
    assert sorted(article.tags.names()) == ["water 2", "water-2"]
