from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser's view: the answer the site gives, not the exception re-raised into the test."""
    return Client(raise_request_exception=False)


@contextmanager
def every_query_raises(error):
    """Every query of the request fails as `error` (a lost database: OperationalError)."""

    def fail(execute, sql, params, many, context):
        raise error

    with connection.execute_wrapper(fail):
        yield


def test_a_lost_database_gives_a_friendly_503_not_a_500(client):
    with every_query_raises(OperationalError("server closed the connection unexpectedly")):
        response = client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.content.decode()


def test_the_site_answers_again_once_the_database_is_back(client):
    with every_query_raises(OperationalError("down")):
        assert client.get("/en/").status_code == 503
    assert client.get("/en/").status_code == 200


def test_a_database_lost_before_the_view_also_gives_the_503(client, monkeypatch):
    """A middleware that reads the session (staff sessions, the user) meets the outage first."""
    from django.contrib.sessions.backends.db import SessionStore

    def broken(self):
        raise OperationalError("the database system is shutting down")

    # Where both session engines (db, and cached_db on a cache miss) read the database.
    monkeypatch.setattr(SessionStore, "_get_session_from_db", broken)
    client.cookies["sessionid"] = "a" * 32
    response = client.get("/en/contacts/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and "Back in a moment" in response.content.decode()
    assert response["X-Request-ID"] in response.content.decode()


def test_other_errors_still_give_the_500_page(client):
    with every_query_raises(ZeroDivisionError("a bug, not an outage")):
        response = client.get("/en/")
    assert response.status_code == 500
    assert response["X-Request-ID"] in response.content.decode()


def test_production_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get(make_article().get_absolute_url(), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp


def test_admin_gets_a_policy_the_rich_text_editor_can_live_with(admin_client):
    csp = admin_client.get("/admin/articles/article/add/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp


def test_public_pages_have_no_inline_script(client):
    import re

    html = client.get(make_article().get_absolute_url()).content.decode()
    inline = [s for s in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S) if s[1].strip()]
    assert all('type="application/ld+json"' in attrs for attrs, _ in inline)
