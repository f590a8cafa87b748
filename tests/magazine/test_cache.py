from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from magazine.cache import content_changed
from tests.factories import make_article, make_issue, make_print_first

pytestmark = pytest.mark.django_db


def test_second_anonymous_request_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    article = make_article()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "hit" and article.title in response.content.decode()


def test_an_edit_is_visible_on_the_very_next_request(client):
    article = make_article(title="First title")
    client.get(article.get_absolute_url())
    article.title = "Second title"
    article.save()
    assert "Second title" in client.get(article.get_absolute_url()).content.decode()


def test_publishing_an_issue_shows_it_on_the_cached_home_page(client):
    issue = make_issue(year=2031, number_first=1, is_published=False)
    assert "1/2031" not in client.get("/uz/").content.decode()
    issue.is_published = True
    issue.save()
    assert "1/2031" in client.get("/uz/").content.decode()


def test_a_scheduled_article_appears_when_its_time_passes(client, monkeypatch):
    issue = make_issue(year=2032, number_first=1)
    make_article(issue=issue, title="Tomorrow's piece", publish_at=timezone.now() + timedelta(hours=1))
    url = issue.get_absolute_url()
    assert "Tomorrow" not in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Tomorrow&#x27;s piece" in client.get(url).content.decode()


def test_an_editor_never_gets_or_leaves_a_cached_page(client, editor_client):
    article = make_print_first()
    anonymous = Client()
    anonymous.get(article.get_absolute_url())
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" in html
    assert "HIDDENMARKER" not in anonymous.get(article.get_absolute_url()).content.decode()


def test_an_editors_preview_is_never_stored(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    assert editor_client.get(article.get_absolute_url()).status_code == 200
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_a_visitor_with_a_session_is_not_served_the_shared_page(client):
    article = make_article()
    Client().get(article.get_absolute_url())
    client.cookies["sessionid"] = "something"
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_conditional_request_gets_304(client):
    article = make_article()
    etag = client.get(article.get_absolute_url())["ETag"]
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    content_changed()
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cached_pages_are_private_and_revalidated(client):
    response = client.get(make_article().get_absolute_url())
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_not_found_is_not_cached(client):
    assert client.get("/uz/articles/not-yet/").status_code == 404
    make_article(slug="not-yet")
    assert client.get("/uz/articles/not-yet/").status_code == 200
