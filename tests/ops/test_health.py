import logging

import pytest
from django.db import OperationalError

from ops import health
from tests.factories import make_article

pytestmark = pytest.mark.django_db


class BrokenConnection:
    """The database as seen while its server is down."""

    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-store" in response["Cache-Control"]


def test_probes_by_address_over_plain_http_get_an_answer_not_a_redirect_or_400(client, settings):
    """A balancer probes each app server by IP over HTTP, whatever ALLOWED_HOSTS and HTTPS redirects say."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["magazine.example.org"]
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.0.0.5:8000").status_code == 200


def test_readyz_answers_ok_when_database_cache_and_media_storage_respond(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-store" in response["Cache-Control"]


def test_readyz_answers_503_with_one_word_and_logs_the_reason_with_the_request_id(
    client, monkeypatch, caplog
):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    with caplog.at_level(logging.ERROR):
        response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"unavailable")
    record = next(r for r in caplog.records if "database" in r.getMessage())
    assert "Connection refused" in record.getMessage()
    assert {r.request_id for r in caplog.records} == {response["X-Request-ID"]}


def test_readyz_is_never_stored_a_failure_shows_at_the_next_probe(client, monkeypatch, settings):
    assert "/readyz" in settings.PAGE_CACHE_EXCLUDE and "/healthz" in settings.PAGE_CACHE_EXCLUDE
    assert client.get("/readyz").status_code == 200
    monkeypatch.setattr(health, "connection", BrokenConnection())
    assert client.get("/readyz").status_code == 503
    monkeypatch.undo()
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_redis_does_not_answer(client, settings):
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "sitecache.backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    assert client.get("/readyz").status_code == 503
    settings.CACHES = working  # the test's clean-up empties the cache


def test_readyz_checks_the_media_bucket(client, s3_media):
    assert client.get("/readyz").status_code == 200
    s3_media.client.delete_bucket(Bucket=s3_media.bucket)
    assert client.get("/readyz").status_code == 503


def test_a_deep_task_queue_is_logged_but_keeps_the_server_ready(
    client, settings, task_queue, caplog, django_capture_on_commit_callbacks
):
    from outbox.services import letter_send

    settings.READYZ_TASK_QUEUE_WARN = 2
    with django_capture_on_commit_callbacks(execute=True):
        letter_send(to="a@example.org", subject="Hi", body="Text", kind="test")
    with caplog.at_level(logging.WARNING, logger="ops.health"):
        assert client.get("/readyz").status_code == 200
    assert "task queue" not in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            letter_send(to=f"r{n}@example.org", subject="Hi", body="Text", kind="test")
    assert len(task_queue.waiting()) == 4
    with caplog.at_level(logging.WARNING, logger="ops.health"):
        assert client.get("/readyz").status_code == 200
    assert "The task queue holds 4 tasks ready to run" in caplog.text


def test_another_app_can_add_a_readiness_check(client, monkeypatch):
    monkeypatch.setitem(health._readiness_checks, "search index", lambda: False)
    assert client.get("/readyz").status_code == 503


def test_probes_accept_only_get_and_head(client):
    assert client.post("/readyz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_the_probes_have_no_language_prefix(client):
    make_article()
    assert client.get("/en/healthz").status_code == 404
