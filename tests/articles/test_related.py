"""Related reading under an article: shared tags, section or people; never itself or its versions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.cards import Cards
from articles.models import Article
from articles.related import related_articles
from tests.factories import make_article, make_author, make_issue, make_section

pytestmark = pytest.mark.django_db


def loaded(article):
    """The article as its page loads it (tags and authors prefetched)."""
    return Article.objects.prefetch_related("tags", "authors").get(pk=article.pk)


def related(article, language):
    """The primary keys of the related reading (rows of the cards' columns) of the loaded `article`."""
    return [row["id"] for row in related_articles(loaded(article), language)]


def ids(*articles):
    return [article.pk for article in articles]


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def test_related_reading_is_chosen_by_shared_tags_section_and_people_newest_first():
    section, person, guest = make_section(), make_author(), make_author()
    article = make_article(tags=["water"], section=section, authors=[person], interviewee=guest)
    by_tag = make_article(title="By tag", tags=["water"], publish_at=days_ago(5))
    by_section = make_article(title="By section", section=section, publish_at=days_ago(4))
    by_author = make_article(title="By author", authors=[person], publish_at=days_ago(3))
    by_guest = make_article(title="By guest", interviewee=guest, publish_at=days_ago(2))
    make_article(title="Unrelated", tags=["other"], publish_at=days_ago(1))
    assert related(article, "en") == ids(by_guest, by_author, by_section, by_tag)


def test_related_reading_is_never_the_article_itself_nor_its_translations():
    original = make_article(tags=["water"], language="uz")
    translation = make_article(tags=["water"], language="ru", translation_of=original)
    other = make_article(tags=["water"], language="uz")
    assert related(original, "ru") == ids(other)
    assert related(translation, "uz") == ids(other)
    assert related(translation, "ru") == ids(other)


def test_related_reading_shows_the_readers_language_first_and_one_version_of_each():
    article = make_article(tags=["water"], language="uz")
    newest_english = make_article(tags=["water"], language="en", publish_at=days_ago(1))
    older_russian = make_article(tags=["water"], language="ru", publish_at=days_ago(5))
    original = make_article(tags=["water"], language="uz", publish_at=days_ago(3))
    russian_version = make_article(language="ru", translation_of=original, publish_at=days_ago(3))  # untagged
    assert related(article, "ru") == ids(russian_version, older_russian, newest_english)


def test_related_reading_stops_at_four():
    article = make_article(tags=["water"])
    others = [make_article(tags=["water"], publish_at=days_ago(n)) for n in range(1, 8)]
    assert related(article, "en") == ids(*others[:4])


def test_related_reading_leaves_out_what_readers_may_not_see():
    article = make_article(tags=["water"])
    make_article(tags=["water"], status=Article.Status.DRAFT)
    make_article(tags=["water"], publish_at=timezone.now() + timedelta(days=1))
    make_article(tags=["water"], issue=make_issue(is_published=False))
    assert related(article, "en") == []


def test_an_article_sharing_nothing_has_no_related_reading(client):
    article = make_article()
    make_article()
    assert related(article, "en") == []
    assert 'class="related"' not in client.get(article.get_absolute_url()).content.decode()


def test_the_article_page_shows_related_reading_with_links(client):
    article = make_article(tags=["water"])
    other = make_article(title="Read this next", tags=["water"])
    html = client.get(f"/uz/articles/{article.slug}/").content.decode()
    section = html[html.index('class="related"') :]
    assert f'href="/uz/articles/{other.slug}/"' in section and "Read this next" in section


def test_related_reading_is_kept_with_the_article_and_cooled_by_an_edit(client):
    article = make_article(tags=["water"])
    other = make_article(title="First title", tags=["water"])
    assert "First title" in client.get(article.get_absolute_url()).content.decode()
    other.title = "Second title"
    other.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Second title" in html and "First title" not in html


@pytest.mark.parametrize("count", [5, 50])
def test_related_reading_costs_a_fixed_number_of_queries(django_assert_max_num_queries, count):
    section, person = make_section(), make_author()
    article = make_article(tags=["water", "trade"], section=section, authors=[person])
    for n in range(count):
        make_article(tags=["water"], section=section, authors=[person, make_author()], issue=make_issue())
        if n % 5 == 0:
            make_article(language="ru", translation_of=article if n == 0 else None, tags=["trade"])
    article = loaded(article)
    cards = Cards()  # reads the section menu, as the page's menu does
    # The newest related groups; their versions with their cards' columns; the cards' authors.
    with django_assert_max_num_queries(3):
        rows = related_articles(article, "ru")
        cards.rows(rows)  # the rows, their authors loaded
    assert len(rows) == 4


@pytest.mark.parametrize("count", [5, 50])
def test_the_article_page_with_related_reading_costs_a_fixed_number_of_queries(
    client, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    person = make_author()
    article = make_article(tags=["water"], section=make_section(), authors=[person])
    for _ in range(count):
        make_article(
            tags=["water"], authors=[person, make_author()], interviewee=make_author(), issue=make_issue()
        )
    with django_assert_max_num_queries(13):  # 17 before the shell was read in one query
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="card card--compact') == 4
    with django_assert_max_num_queries(0):
        client.get(article.get_absolute_url())
