"""A request's first round trip to the cache brings what it reads anyway: its session, the snapshot of
the institutions' networks (sitecache.topics.register_first_read, sitecache.sessions)."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from articles.models import Article
from institutions.lookup import SNAPSHOT_KEY
from sitecache.sessions import SessionStore
from sitecache.topics import close_request, first_read, open_request, topic_key
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def trips(monkeypatch):
    """The cache's reads, in order: ("get", key) and ("get_many", keys)."""
    seen, backend = [], caches["default"]
    original_get, original_get_many = backend.get, backend.get_many

    def get(key, *args, **kwargs):
        seen.append(("get", key))
        return original_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        seen.append(("get_many", list(keys)))
        return original_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    return seen


def reads_of(trips, key):
    return [trip for trip in trips if trip == ("get", key) or (trip[0] == "get_many" and key in trip[1])]


def test_the_session_and_the_snapshot_come_with_the_first_round_trip(reader_client, trips):
    article = make_article()
    reader_client.get(article.get_absolute_url())  # the snapshot and the session are in the cache now
    session_key = SessionStore(reader_client.cookies[settings.SESSION_COOKIE_NAME].value).cache_key
    trips.clear()

    response = reader_client.get(article.get_absolute_url())

    assert response.status_code == 200 and response.wsgi_request.reader.is_authenticated
    first = trips[0]
    assert first[0] == "get_many" and session_key in first[1] and SNAPSHOT_KEY in first[1]
    assert reads_of(trips, session_key) == [first]
    assert reads_of(trips, SNAPSHOT_KEY) == [first]


def test_a_session_that_left_the_cache_is_read_from_the_database(reader_client):
    article = make_article()
    session_key = SessionStore(reader_client.cookies[settings.SESSION_COOKIE_NAME].value).cache_key
    cache.delete(session_key)

    response = reader_client.get(article.get_absolute_url())

    assert response.wsgi_request.reader.is_authenticated
    assert cache.get(session_key) is not None  # put back for the next request


def test_an_anonymous_request_without_a_cookie_asks_no_session(client, trips):
    article = make_article()
    client.get(article.get_absolute_url())
    assert not any(
        key.startswith(SessionStore.cache_key_prefix)
        for trip in trips
        for key in (trip[1] if trip[0] == "get_many" else [trip[1]])
    )


def test_a_first_read_is_handed_over_once_then_read_from_the_cache(rf):
    cache.set(SNAPSHOT_KEY, "before")
    tokens = open_request(rf.get("/"))
    try:
        cache.set(SNAPSHOT_KEY, "changed during the request")
        assert first_read(SNAPSHOT_KEY, cache.get) == "before"
        assert first_read(SNAPSHOT_KEY, cache.get) == "changed during the request"
    finally:
        close_request(tokens)
    assert first_read(SNAPSHOT_KEY, lambda key: "outside a request") == "outside a request"


def test_a_page_held_in_this_process_is_judged_with_the_first_round_trip(client, trips):
    """The versions of the topics the address read last time in this process come with the request's
    first round trip (sitecache.pages.topics_read_before): a page-cache hit asks the cache nothing more."""
    article = make_article(title="Held here")
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    trips.clear()

    response = client.get(url)

    assert response["X-Page-Cache"] == "hit" and "Held here" in response.content.decode()
    assert len(trips) == 1 and trips[0][0] == "get_many"
    assert topic_key(f"article:{article.pk}") in trips[0][1]


def test_a_page_held_in_this_process_is_not_served_once_another_process_changed_it(client):
    """Another process's edit moves the topic in the shared cache; the copy held here is judged by the
    versions read from there, so the next answer is the new page."""
    article = make_article(title="Before the edit")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    # What another worker's save does: the row changes and the article's topic moves in the shared cache
    # (an update() sends no signal here, so this process's own path is not what moves it).
    Article.objects.filter(pk=article.pk).update(title="After the edit")
    cache.incr(topic_key(f"article:{article.pk}"))

    response = client.get(url)

    assert response["X-Page-Cache"] == "miss" and "After the edit" in response.content.decode()
    assert "Before the edit" not in response.content.decode()


def test_a_readers_page_reads_its_fragments_versions_in_the_first_round_trip(reader_client, trips):
    """A signed-in reader's page is not a shared one, but its fragments are: the versions of their
    topics come with the first round trip too, the second time the address is asked."""
    article = make_article(title="Fragments here")
    url = article.get_absolute_url()
    reader_client.get(url)
    trips.clear()

    response = reader_client.get(url)

    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert trips[0][0] == "get_many" and topic_key(f"article:{article.pk}") in trips[0][1]
    later = [key for trip in trips[1:] for key in (trip[1] if trip[0] == "get_many" else [trip[1]])]
    assert not [key for key in later if key.startswith("topic:")]  # (the reader's own row is read after)


def test_a_signed_in_readers_entry_comes_with_the_first_round_trip_and_a_revoked_grant_is_still_seen(
    reader_client, reader, trips
):
    """readers.cached: the second request with the session cookie reads the reader's entry (with their
    grants) in its first round trip; a grant revoked in between drops the entry, and the page says so."""
    from readers import cached
    from readers.services import grant_revoke
    from tests.factories import make_grant, make_print_first

    grant = make_grant(reader=reader)
    article = make_print_first(hidden=["<p>HIDDENMARKER</p>"])
    assert "HIDDENMARKER" in reader_client.get(article.get_absolute_url()).text
    trips.clear()

    assert "HIDDENMARKER" in reader_client.get(article.get_absolute_url()).text
    entry = cached.key(reader.pk)
    assert trips[0][0] == "get_many" and entry in trips[0][1]
    assert reads_of(trips, entry) == [trips[0]]

    grant_revoke(grant=grant)  # as from another process: the shared entry is dropped
    trips.clear()
    assert "HIDDENMARKER" not in reader_client.get(article.get_absolute_url()).text
    assert entry in trips[0][1]  # asked first, found absent, read from the database
