import gzip
import os
import re
import time
import uuid
import zlib
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from articles.models import Article
from sitecache import SITE, GZipMiddleware, LocalCopies, changed
from sitecache.backends import RedisCache
from sitecache.topics import versions
from subscriptions.models import Subscriber
from tests.factories import make_article, make_event, make_issue, make_print_first

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


def test_a_scheduled_article_appears_even_when_an_unrelated_edit_came_first(client, monkeypatch):
    """The moment passed, then an editor saved another article before any reader came: the list the
    scheduled article enters is still cooled (an edit must not lose a moment that has passed)."""
    issue = make_issue(year=2032, number_first=1)
    make_article(issue=issue, title="Tomorrow's piece", publish_at=timezone.now() + timedelta(hours=1))
    other = make_article(title="Elsewhere")
    url = issue.get_absolute_url()
    assert "Tomorrow" not in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    other.title = "Elsewhere, revised"
    other.save()
    assert "Tomorrow&#x27;s piece" in client.get(url).content.decode()


def test_an_event_starting_cools_every_page_and_an_edit_cools_no_more_than_itself(client, monkeypatch):
    """Events are in every page's sidebar: their moments move `site`; any other moment, or an edit,
    leaves the pages that do not show it alone."""

    article, other = make_article(title="Quiet one"), make_article(title="Edited one")
    make_event(title="Round table", starts_at=timezone.now() + timedelta(hours=1), is_published=True)
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    other.title = "Edited one, again"
    other.save()
    assert client.get(url)["X-Page-Cache"] == "hit"
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url)["X-Page-Cache"] == "miss"


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
    changed(SITE)
    assert client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_page_holding_a_csrf_token_gets_no_hashed_etag(reader_client, settings):
    """A signed-in reader's page, and anyone's with the page cache off: the token in its forms is new
    in every answer, so a hash of the body could never match the next request's If-None-Match."""
    article = make_article()
    anonymous = Client()
    for client in (reader_client, anonymous):
        if client is anonymous:
            settings.PAGE_CACHE_SECONDS = 0
        first, second = (client.get(article.get_absolute_url()) for _ in range(2))
        assert 'name="csrfmiddlewaretoken"' in first.content.decode()
        assert first.content != second.content  # the token
        assert not first.has_header("ETag") and not second.has_header("ETag")


def test_an_answer_without_a_fresh_field_keeps_its_hashed_etag_and_304(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_article()
    response = client.get("/en/feeds/rss/")
    assert "X-Page-Cache" not in response and 'name="csrfmiddlewaretoken"' not in response.content.decode()
    assert client.get("/en/feeds/rss/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    gzipped = client.get("/en/feeds/rss/", headers={"accept-encoding": "gzip"})  # kept gzipped: its own ETag
    assert gzipped["Content-Encoding"] == "gzip" and gzipped["ETag"] != response["ETag"]
    again = {"accept-encoding": "gzip", "if-none-match": gzipped["ETag"]}
    assert client.get("/en/feeds/rss/", headers=again).status_code == 304


def test_cached_pages_are_private_and_revalidated(client):
    response = client.get(make_article().get_absolute_url())
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_not_found_is_not_cached(client):
    assert client.get("/uz/articles/not-yet/").status_code == 404
    make_article(slug="not-yet")
    assert client.get("/uz/articles/not-yet/").status_code == 200


# Shared forms, editors and edits, per-process copies, the Redis backend


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


def form_html(html, css_class):
    """The first <form class="`css_class`"> of `html`, up to its end."""
    start = html.index(f'<form class="{css_class}"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize("page_cache_seconds", [0, 3600], ids=["fragment", "page-cache"])
def test_the_shared_sidebar_subscribe_form_posts_for_a_new_visitor(
    settings, page_cache_seconds, django_capture_on_commit_callbacks
):
    """The sidebar is a shared fragment (and the page a shared page): each visitor gets a token of its own."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    first = Client(enforce_csrf_checks=True).get("/en/")
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/en/")
    html = response.content.decode()
    if page_cache_seconds:
        assert response["X-Page-Cache"] == "hit"
    assert settings.CSRF_COOKIE_NAME in response.cookies and "__csrf_token__" not in html
    token = CSRF_INPUT.search(form_html(html, "subscribe-box")).group(1)
    assert token != CSRF_INPUT.search(form_html(first.content.decode(), "subscribe-box")).group(1)
    data = {"email": "reader@example.org", "language": "en", "website": "", "csrfmiddlewaretoken": token}
    with django_capture_on_commit_callbacks(execute=True):
        posted = visitor.post("/en/subscribe/", data)
    assert posted.status_code == 302 and posted["Location"] == "/en/subscribe/check-inbox/"
    assert Subscriber.objects.filter(email="reader@example.org").exists()


def test_a_kept_page_goes_out_gzipped_compressed_once_with_each_visitors_own_token(
    settings, compressions, django_capture_on_commit_callbacks
):
    """Browsers and crawlers ask for gzip. The page is compressed once, when kept (the first answer
    goes out from the same parts), and each visitor's token is joined into it as it stands."""
    settings.PAGE_CACHE_SECONDS = 3600
    gzip_please = {"accept-encoding": "gzip, deflate, br"}
    first = Client(enforce_csrf_checks=True).get("/en/", headers=gzip_please)
    assert first["X-Page-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    assert len(compressions) == 1
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/en/", headers=gzip_please)
    assert response["X-Page-Cache"] == "hit" and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"] and int(response["Content-Length"]) == len(response.content)
    assert len(compressions) == 1, "a hit is not compressed again"

    html = gzip.decompress(response.content).decode()
    plain = Client().get("/en/")
    assert not plain.has_header("Content-Encoding")
    assert CSRF_INPUT.sub("", html) == CSRF_INPUT.sub("", plain.content.decode())  # but for the tokens
    token = CSRF_INPUT.search(form_html(html, "subscribe-box")).group(1)
    first_html = gzip.decompress(first.content).decode()
    assert token != CSRF_INPUT.search(form_html(first_html, "subscribe-box")).group(1)
    data = {"email": "reader@example.org", "language": "en", "website": "", "csrfmiddlewaretoken": token}
    with django_capture_on_commit_callbacks(execute=True):
        posted = visitor.post("/en/subscribe/", data)
    assert posted.status_code == 302 and Subscriber.objects.filter(email="reader@example.org").exists()


def test_an_answer_made_for_one_request_goes_out_gzipped_at_the_cheap_level(settings, reader_client):
    """A page made anew at every request (the page cache off, a signed-in reader's page) is compressed
    at every request: at zlib's level 1 (nginx's default), not Django's 6, behind a header of random
    length (against BREACH, as Django's)."""
    settings.PAGE_CACHE_SECONDS = 0
    url = make_article().get_absolute_url()
    headers = set()
    for client in (Client(), Client(), Client(), reader_client, reader_client):
        response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
        assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        html = gzip.decompress(response.content)
        assert b'name="csrfmiddlewaretoken"' in html
        header = response.content[: response.content.index(b"\x00", 10) + 1]
        headers.add(header)
        compressor = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
        level_1 = compressor.compress(html) + compressor.flush(zlib.Z_FULL_FLUSH) + b"\x03\x00"
        assert response.content[len(header) : -8] == level_1  # then an empty last block, CRC and length
    assert len(headers) > 1


def test_gzip_leaves_short_and_encoded_bodies_alone_and_weakens_a_strong_etag(rf):
    """As Django's GZipMiddleware, whose place it takes."""
    request = rf.get("/", headers={"accept-encoding": "gzip"})
    short = GZipMiddleware(lambda request: HttpResponse("x" * 199))(request)
    encoded = HttpResponse(b"x" * 300, headers={"Content-Encoding": "br"})
    assert GZipMiddleware(lambda request: encoded)(request).content == b"x" * 300
    assert short.content == b"x" * 199 and not short.has_header("Content-Encoding")
    tagged = GZipMiddleware(lambda request: HttpResponse("x" * 300, headers={"ETag": '"abc"'}))(request)
    assert tagged["ETag"] == 'W/"abc"' and gzip.decompress(tagged.content) == b"x" * 300
    noise = os.urandom(320)  # bytes that gzip cannot shorten
    assert GZipMiddleware(lambda request: HttpResponse(noise))(request).content == noise
    plain = GZipMiddleware(lambda request: HttpResponse("x" * 300))(rf.get("/"))
    assert plain.content == b"x" * 300 and plain["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize("editor_first", [True, False], ids=["editor-first", "reader-first"])
def test_an_editors_full_text_of_a_print_first_article_never_reaches_a_reader(
    settings, editor_client, editor_first
):
    settings.PAGE_CACHE_SECONDS = 0  # only the fragments are shared
    article = make_print_first()
    reader = Client()
    if editor_first:
        assert "HIDDENMARKER" in editor_client.get(article.get_absolute_url()).content.decode()
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "Public opening words." in html and "HIDDENMARKER" not in html
    assert "HIDDENMARKER" in editor_client.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" not in reader.get(article.get_absolute_url()).content.decode()


def test_an_edited_block_is_visible_on_the_next_request_despite_warm_fragments(
    settings, client, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(blocks=[("text", "<p>The old paragraph.</p>")])
    assert "The old paragraph." in client.get(article.get_absolute_url()).content.decode()
    block = article.blocks.get()
    block.body = "<p>The corrected paragraph.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        block.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "The corrected paragraph." in html and "The old paragraph." not in html


REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_url():
    """The test database of the local Redis (db 13); skips when Redis does not answer."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {REDIS_TEST_URL} is unreachable: {error}")
    prefix = f"tests-{uuid.uuid4().hex}"
    yield REDIS_TEST_URL, prefix
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture(params=["locmem", "redis"])
def restart_shared_cache(request, settings):
    """A function emptying the shared cache as a Redis restart does (workers keep their copies)."""
    if request.param == "locmem":
        yield cache.clear
        return
    url, prefix = request.getfixturevalue("redis_url")
    original = settings.CACHES
    settings.CACHES = {
        "default": {"BACKEND": "sitecache.backends.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    }
    client = cache._cache.get_client()

    def restart():
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)

    yield restart
    restart()
    settings.CACHES = original  # before conftest's cache.clear(), which would flush all of db 13


def test_after_the_shared_cache_is_emptied_a_worker_never_serves_its_stale_copy(client, restart_shared_cache):
    article = make_article(title="Title before")
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    # A change made without signals is not seen while the version stands: the copies are in use.
    Article.objects.filter(pk=article.pk).update(title="Title after")
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit" and "Title before" in response.content.decode()
    restart_shared_cache()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    html = response.content.decode()
    assert "Title after" in html and "Title before" not in html


def test_local_copies_forget_the_least_recently_used_beyond_their_size():
    copies = LocalCopies(2)
    copies.set("a", 1)
    copies.set("b", 2)
    assert copies.get("a") == 1  # "a" is now the most recently used
    copies.set("c", 3)
    assert copies.get("b") is None
    assert copies.get("c") == 3 and copies.get("a") == 1
    copies.set("c", 30)  # storing again counts as a use
    copies.set("d", 4)
    assert copies.get("a") is None
    assert (copies.get("c"), copies.get("d")) == (30, 4)
    assert len(copies.items) == 2


def test_local_copies_of_size_zero_keep_nothing():
    copies = LocalCopies(0)
    copies.set("a", 1)
    assert copies.get("a") is None and not copies.items


def test_the_redis_backend_keeps_one_client_and_round_trips_values(redis_url):
    url, prefix = redis_url
    backend = RedisCache(url, {"KEY_PREFIX": prefix})
    client = backend._cache.get_client()
    assert backend._cache.get_client("some-key") is client
    assert backend._cache.get_client(write=True) is client  # one server: one pool for reads and writes
    stored = (123, [("Content-Type", "text/html; charset=utf-8")], [b"<p>before ", b" after</p>"])
    backend.set("page", stored, 60)
    assert backend.get("page") == stored
    backend.set("version", 41, None)
    assert backend.incr("version") == 42 and backend.get("version") == 42
    assert backend._cache.get_client() is client


def test_the_redis_backend_adds_many_keys_in_one_round_trip(redis_url, monkeypatch):
    url, prefix = redis_url
    backend = RedisCache(url, {"KEY_PREFIX": prefix})
    backend.set("kept", 1, None)
    pipelines = []
    real = type(backend._cache.get_client()).pipeline
    monkeypatch.setattr(
        type(backend._cache.get_client()), "pipeline", lambda *a, **k: pipelines.append(1) or real(*a, **k)
    )
    assert backend.add_many({"kept": 2, "new": 3, "page": (1, "a")}, None) == {
        "kept": 1,
        "new": 3,
        "page": (1, "a"),
    }
    assert pipelines == [1]
    assert backend.incr("new") == 4 and backend.get("kept") == 1
    backend.add_many({"brief": 5}, 1)
    assert 0 < backend._cache.get_client().ttl(f"{prefix}:1:brief") <= 1


def test_topics_first_seen_get_their_versions_in_one_call(monkeypatch):
    """A crawl meets thousands of articles whose topics never moved: each request gives all of its
    new topics a version at once (one round trip on Redis), not two calls each."""
    calls = []
    for name in ("add", "add_many", "get", "get_many"):
        method = getattr(cache, name)
        monkeypatch.setattr(cache, name, lambda *a, _m=method, _n=name, **k: calls.append(_n) or _m(*a, **k))
    found = versions(["article:1", "article:2", "person:3"])
    assert calls[:2] == ["get_many", "add_many"] and "add" not in calls and "get" not in calls
    assert len(set(found.values())) == 3 and all(isinstance(v, int) for v in found.values())
    calls.clear()
    assert versions(["article:1", "article:2", "person:3"]) == found and calls == ["get_many"]


def test_a_page_is_kept_per_host_and_a_hit_still_checks_the_host(settings):
    settings.ALLOWED_HOSTS = ["www.example.org", "example.org"]
    article = make_article()
    www = Client(HTTP_HOST="www.example.org").get(article.get_absolute_url())
    bare = Client(HTTP_HOST="example.org").get(article.get_absolute_url())
    assert 'rel="canonical" href="http://www.example.org/' in www.content.decode()
    assert 'rel="canonical" href="http://example.org/' in bare.content.decode()
    assert Client(HTTP_HOST="www.example.org").get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert Client(HTTP_HOST="evil.example").get(article.get_absolute_url()).status_code == 400


def test_each_visitor_of_a_cached_page_gets_its_own_comment_time_stamp(monkeypatch):
    article = make_article()
    start = time.time()
    stamps = []
    for seconds, cached in ((0, "miss"), (5, "hit")):
        monkeypatch.setattr(time, "time", lambda seconds=seconds: start + seconds)
        response = Client().get(article.get_absolute_url())
        assert response["X-Page-Cache"] == cached
        stamps.append(re.search(r'name="rendered_at" value="([^"]+)"', response.content.decode()).group(1))
    assert stamps[0] != stamps[1]


def test_comments_close_on_a_cached_page_when_their_time_comes(client, monkeypatch):
    from comments.models import DiscussionSettings

    DiscussionSettings(close_after_days=1).save()
    article = make_article(publish_at=timezone.now() - timedelta(hours=23))
    assert 'id="comment-form"' in client.get(article.get_absolute_url()).content.decode()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in html and "Comments close 1 day after publication." in html


def test_approving_a_comment_refreshes_its_article_page_and_leaves_other_pages_cached(
    client, django_capture_on_commit_callbacks
):
    from comments.models import Comment
    from tests.factories import make_comment

    article = make_article()
    waiting = make_comment(article=article, status=Comment.Status.PENDING, body="Worth the wait.")
    etag = client.get(article.get_absolute_url())["ETag"]
    client.get("/uz/")
    assert client.get("/uz/")["X-Page-Cache"] == "hit"
    waiting.status = Comment.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        waiting.save()
    response = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Worth the wait." in response.content.decode()
    assert client.get("/uz/")["X-Page-Cache"] == "hit"


def test_the_redis_backend_reads_replies_with_hiredis(redis_url):
    """A request's first round trip carries up to a hundred keys: their replies are parsed in C
    (hiredis, a dependency for this), not by redis-py's pure-Python parser."""
    from redis._parsers import _HiredisParser

    url, prefix = redis_url
    backend = RedisCache(url, {"KEY_PREFIX": prefix})
    backend.set_many({f"topic:{n}": n for n in range(100)}, None)
    assert backend.get_many([f"topic:{n}" for n in range(100)]) == {f"topic:{n}": n for n in range(100)}
    pool = backend._cache.get_client().connection_pool
    connection = pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        pool.release(connection)
