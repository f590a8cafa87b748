"""The embargo: a print-first article opens to everyone a set time after its issue, by itself."""

import json
import re
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from articles.embargo import opening_moment
from articles.models import Article, EmbargoSettings
from articles.paywall import is_open_to_everyone, is_paywalled
from articles.search.query import search_articles
from issues.models import Issue
from tests.factories import make_article, make_issue, make_print_first, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def midnight(day):
    return timezone.make_aware(datetime.combine(day, time(0)))


def site_default(days):
    settings_row = EmbargoSettings.from_database()
    settings_row.open_after_days = days
    settings_row.save()


def at(moment):
    """Move the site's clock to `moment` (every `timezone.now()` of the request and the cache)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


# When an article opens


def test_by_default_print_first_articles_never_open():
    article = make_print_first(issue=make_issue(published_on=date(2020, 1, 1)))
    assert article.opens_at is None and is_paywalled(article, now=timezone.now() + timedelta(days=9999))


@pytest.mark.parametrize(
    ("site_days", "embargo", "issue_days", "published_on", "expected"),
    [
        (180, "", None, date(2026, 3, 1), midnight(date(2026, 3, 1)) + timedelta(days=180)),
        (180, "days", 30, date(2026, 3, 1), midnight(date(2026, 3, 1)) + timedelta(days=30)),
        (180, "never", None, date(2026, 3, 1), None),
        (None, "days", 0, date(2026, 3, 1), midnight(date(2026, 3, 1))),
        (None, "", None, date(2026, 3, 1), None),
    ],
)
def test_the_moment_follows_the_site_default_or_the_issues_own(
    site_days, embargo, issue_days, published_on, expected
):
    issue = Issue(embargo=embargo, embargo_days=issue_days, published_on=published_on)
    publish_at = timezone.now()
    assert opening_moment(publish_at=publish_at, issue=issue, site_days=site_days) == expected


def test_without_an_issue_or_its_date_the_article_publication_counts():
    publish_at = timezone.now()
    assert opening_moment(publish_at=publish_at, issue=None, site_days=10) == publish_at + timedelta(days=10)
    undated = Issue(published_on=None)
    assert opening_moment(publish_at=publish_at, issue=undated, site_days=10) == publish_at + timedelta(
        days=10
    )


def test_saving_the_article_its_issue_or_the_default_keeps_the_moment_in_step():
    issue = make_issue(published_on=date(2026, 1, 10))
    article = make_print_first(issue=issue)
    loose = make_print_first()
    overridden = make_print_first(issue=make_issue(published_on=date(2026, 1, 10), embargo="never"))
    site_default(90)
    for each in (article, loose, overridden):
        each.refresh_from_db()
    assert article.opens_at == midnight(date(2026, 1, 10)) + timedelta(days=90)
    assert loose.opens_at == loose.publish_at + timedelta(days=90)
    assert overridden.opens_at is None
    issue.embargo, issue.embargo_days, issue.published_on = "days", 7, date(2026, 2, 1)
    issue.save()
    article.refresh_from_db()
    assert article.opens_at == midnight(date(2026, 2, 8))
    article.issue = None
    article.save()
    assert Article.objects.get(pk=article.pk).opens_at == article.publish_at + timedelta(days=90)


def test_publishing_now_from_the_list_moves_the_moment(editor_client):
    site_default(10)
    article = make_print_first(status=Article.Status.DRAFT, publish_at=None)
    assert article.opens_at is None
    editor_client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.opens_at == article.publish_at + timedelta(days=10)


def test_editors_set_the_default_in_the_admin_and_an_issue_its_own(editor_client):
    issue = make_issue(year=2026, number_first=1, published_on=date(2026, 1, 1))
    article = make_print_first(issue=issue)
    changelist = editor_client.get("/admin/articles/embargosettings/")
    assert changelist.status_code == 302
    url = changelist["Location"]
    assert editor_client.get(url).status_code == 200
    assert editor_client.post(url, {"open_after_days": "365"}).status_code == 302
    article.refresh_from_db()
    assert article.opens_at == midnight(date(2026, 1, 1)) + timedelta(days=365)
    data = {
        "year": "2026",
        "number_first": "1",
        "published_on": "2026-01-01",
        "is_published": "on",
        "embargo": "days",
        "embargo_days": "",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    refused = editor_client.post(f"/admin/magazine/issue/{issue.pk}/change/", data)
    assert refused.status_code == 200 and "Say after how many days" in refused.content.decode()
    assert (
        editor_client.post(
            f"/admin/magazine/issue/{issue.pk}/change/", data | {"embargo_days": "30"}
        ).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.opens_at == midnight(date(2026, 1, 31))


# Free everywhere at that moment, with no job and no editor


@pytest.fixture
def embargoed():
    """A print-first article opening in an hour, with a word only in its hidden part."""
    section = make_section(slug="interviews")
    issue = make_issue(published_on=timezone.localdate(), embargo="days", embargo_days=0)
    article = make_print_first(
        issue=issue,
        section=section,
        lead="",
        hidden=("<p>HIDDENMARKER zarafshon text.</p>",),
        publish_at=timezone.now() - timedelta(days=1),
    )
    moment = timezone.now() + timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(opens_at=moment)
    article.refresh_from_db()
    return article, moment


def test_the_article_page_turns_free_at_its_moment_even_from_a_cached_page(embargoed):
    article, moment = embargoed
    browser = Client()
    before = [browser.get(article.get_absolute_url()) for _ in range(2)]
    assert before[1]["X-Page-Cache"] == "hit"
    assert all("HIDDENMARKER" not in page.content.decode() for page in before)
    with at(moment + timedelta(seconds=1)):
        after = browser.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" in after and 'class="paywall"' not in after
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', after, re.S)[1])
    assert ld["isAccessibleForFree"] is True


def test_search_finds_a_word_of_the_hidden_part_once_open_and_quotes_it(embargoed, client):
    article, moment = embargoed
    assert list(search_articles("zarafshon", language="en")) == []
    assert "0 articles found" in client.get("/en/search/?q=zarafshon").content.decode()
    assert [a.pk for a in search_articles("zarafshon", language="en", now=moment)] == [article.pk]
    with at(moment + timedelta(seconds=1)):
        html = client.get("/en/search/?q=zarafshon").content.decode()
    assert "<mark>zarafshon</mark>" in html and "HIDDENMARKER" in html


def test_feeds_carry_the_whole_text_once_open(embargoed, client):
    article, moment = embargoed
    for url in ("/en/feeds/rss/", "/en/feeds/atom/", "/en/feeds/sections/interviews/rss/"):
        assert "HIDDENMARKER" not in client.get(url).content.decode(), url
    assert "The full text is published in issue" in client.get("/en/feeds/rss/").content.decode()
    with at(moment + timedelta(seconds=1)):
        for url in ("/en/feeds/rss/", "/en/feeds/atom/", "/en/feeds/sections/interviews/rss/"):
            assert "HIDDENMARKER" in client.get(url).content.decode(), url
        assert "The full text is published in issue" not in client.get("/en/feeds/rss/").content.decode()


def test_cards_stop_saying_excerpt_online_once_open(embargoed, client):
    article, moment = embargoed
    assert "Excerpt online" in client.get(article.issue.get_absolute_url()).content.decode()
    with at(moment + timedelta(seconds=1)):
        assert "Excerpt online" not in client.get(article.issue.get_absolute_url()).content.decode()


def test_the_sitemap_says_the_article_changed_when_it_opened(embargoed, client):
    article, moment = embargoed
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(days=3))
    first = client.get("/sitemap-articles.xml").content.decode()
    with at(moment + timedelta(seconds=1)):
        later = client.get("/sitemap-articles.xml").content.decode()
    assert first != later and timezone.localtime(moment).date().isoformat() in later


def test_the_next_opening_is_a_cache_boundary(embargoed):
    article, moment = embargoed
    make_print_first(issue=article.issue)  # opened already: 0 days after the issue's date, today
    assert Article.objects.next_opening(timezone.now()) == moment
    assert Article.objects.next_opening(moment) is None


def test_a_free_article_is_always_open_and_a_closed_one_opens_only_when_its_time_comes():
    free = make_article()
    assert is_open_to_everyone(free)
    closed = make_print_first()
    closed.opens_at = timezone.now() + timedelta(seconds=30)
    assert not is_open_to_everyone(closed) and is_open_to_everyone(closed, closed.opens_at)
