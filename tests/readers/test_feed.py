"""A reader's personal feed (issue 15, "Private feeds"): its secret address, the whole text it carries
while the reader has access, the reset that revokes a leaked address, and the caches it never enters."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from readers.feed_keys import KEY_LENGTH, feed_key_digest, feed_key_make, reader_id_for_feed_key
from readers.models import Reader
from readers.services import grant_revoke, reader_delete, reader_feed_key_reset
from tests.factories import make_article, make_grant, make_issue, make_manager, make_print_first, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ACCOUNT = "/en/account/"


def feed_path(reader, language="en"):
    return f"/{language}/feeds/reader/{reader.feed_key}/rss/"


def items(response):
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return {item.findtext("title"): item.findtext("description") for item in channel.findall("item")}


@pytest.fixture
def article():
    return make_print_first(title="Water diplomacy", language="en")


# The key


def test_a_key_is_long_random_and_url_safe():
    keys = {feed_key_make() for _ in range(50)}
    assert len(keys) == 50
    assert all(len(key) == KEY_LENGTH and key.replace("-", "").replace("_", "").isalnum() for key in keys)


def test_every_reader_has_a_key_of_their_own_stored_with_its_digest(reader):
    other = make_reader()
    assert reader.feed_key != other.feed_key
    reader.refresh_from_db()
    assert reader.feed_key_digest == feed_key_digest(reader.feed_key)


def test_a_key_finds_its_reader_and_nothing_else_does(reader, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert reader_id_for_feed_key(reader.feed_key) == reader.pk
    with django_assert_num_queries(1):
        assert reader_id_for_feed_key(feed_key_make()) is None
    with django_assert_num_queries(0):  # malformed: not even a query
        for bad in ["", "x", reader.feed_key[:-1], reader.feed_key + "a", "é" * KEY_LENGTH, None, 42]:
            assert reader_id_for_feed_key(bad) is None


def test_a_reset_gives_a_new_key_and_the_old_one_finds_nobody(reader):
    old = reader.feed_key
    new = reader_feed_key_reset(reader=reader)
    assert new != old and reader.feed_key == new
    assert reader_id_for_feed_key(old) is None and reader_id_for_feed_key(new) == reader.pk


def test_the_migration_gives_each_existing_reader_a_different_key(reader):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("readers.migrations.0003_reader_feed_key")
    make_reader()
    for n, pk in enumerate(Reader.objects.values_list("pk", flat=True)):
        Reader.objects.filter(pk=pk).update(feed_key="", feed_key_digest=f"before-{n}")
    migration.give_keys(apps, None)
    rows = list(Reader.objects.values_list("feed_key", "feed_key_digest"))
    assert len({key for key, _ in rows}) == 2
    assert all(digest == feed_key_digest(key) for key, digest in rows)


# The feed


def test_an_entitled_reader_s_feed_carries_the_whole_text(client, reader, article):
    make_grant(reader=reader)
    description = items(client.get(feed_path(reader)))["Water diplomacy"]
    assert "HIDDENMARKER" in description and "Public opening words" in description
    assert "The full text is published" not in description


def test_a_reader_without_access_gets_the_excerpt_as_the_public_feed_gives_it(client, reader, article):
    make_article(title="Free piece", language="en", blocks=[("text", "<p>Free words.</p>")])
    personal = items(client.get(feed_path(reader)))
    public = items(client.get("/en/feeds/rss/"))
    assert personal == public
    assert "HIDDENMARKER" not in personal["Water diplomacy"] and "Free words" in personal["Free piece"]


def test_a_grant_for_another_issue_opens_nothing_in_the_feed(client, reader):
    make_print_first(title="In issue one", language="en", issue=make_issue())
    make_print_first(title="In issue two", language="en", issue=(two := make_issue()))
    make_grant(reader=reader, issues=[two])
    shown = items(client.get(feed_path(reader)))
    assert "HIDDENMARKER" in shown["In issue two"] and "HIDDENMARKER" not in shown["In issue one"]


@pytest.mark.parametrize("how", ["ended", "revoked", "deleted"])
def test_the_same_address_gives_only_excerpts_once_access_ends(client, reader, article, how):
    grant = make_grant(reader=reader)
    assert "HIDDENMARKER" in items(client.get(feed_path(reader)))["Water diplomacy"]
    if how == "ended":
        grant.ends_at = timezone.now() - timedelta(seconds=1)
        grant.starts_at = timezone.now() - timedelta(days=2)
        grant.save()
    elif how == "revoked":
        grant_revoke(grant=grant)
    else:
        grant.delete()
    description = items(client.get(feed_path(reader)))["Water diplomacy"]
    assert "HIDDENMARKER" not in description and "Public opening words" in description


def test_a_grant_that_starts_later_opens_the_feed_only_then(client, reader, article):
    make_grant(reader=reader, starts_at=timezone.now() + timedelta(days=1))
    assert "HIDDENMARKER" not in items(client.get(feed_path(reader)))["Water diplomacy"]


def test_a_reset_address_answers_404_at_once_and_the_new_one_works(client, reader, article):
    make_grant(reader=reader)
    old = feed_path(reader)
    # The reader is in the shared cache now: the reset must not wait for it.
    assert "HIDDENMARKER" in items(client.get(old))["Water diplomacy"]
    reader_feed_key_reset(reader=reader)
    response = client.get(old)
    assert response.status_code == 404 and b"HIDDENMARKER" not in response.content
    assert "HIDDENMARKER" in items(client.get(feed_path(reader)))["Water diplomacy"]


def test_a_deleted_reader_s_address_answers_404(client, reader, article):
    make_grant(reader=reader)
    path = feed_path(reader)
    client.get(path)
    reader_delete(reader=reader)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/en/feeds/reader/" + "A" * KEY_LENGTH + "/rss/",
        "/en/feeds/reader/short/rss/",
        "/en/feeds/reader/" + "A" * 500 + "/rss/",
        "/en/feeds/reader/%00%ff/rss/",
        "/en/feeds/reader/a.b/rss/",
        "/en/feeds/reader/тест/rss/",
    ],
)
def test_an_unknown_or_malformed_address_answers_404_and_says_nothing_more(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Feed object" not in response.content and b"Traceback" not in response.content


def test_the_feed_answers_only_get_and_head(client, reader):
    assert client.head(feed_path(reader)).status_code == 200
    assert client.post(feed_path(reader)).status_code in (403, 405)


def test_the_feed_is_in_the_language_of_its_address(client, reader):
    make_article(title="Suv diplomatiyasi", language="uz")
    make_article(title="English only piece", language="en")
    shown = items(client.get(feed_path(reader, "uz")))
    assert "Suv diplomatiyasi" in shown


# Caches


@pytest.mark.parametrize("status", ["found", "unknown"])
def test_the_feed_is_never_kept_by_a_shared_cache_or_indexed(client, reader, status):
    path = feed_path(reader) if status == "found" else "/en/feeds/reader/" + "B" * KEY_LENGTH + "/rss/"
    response = client.get(path)
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control and "public" not in cache_control
    assert "max-age" not in cache_control or "max-age=0" in cache_control
    assert response["X-Robots-Tag"] == "noindex" and response["Referrer-Policy"] == "no-referrer"
    assert not response.has_header("Last-Modified") and not response.has_header("ETag")


def test_the_page_cache_never_serves_or_stores_a_personal_feed(client, reader, article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    make_grant(reader=reader)
    for _ in range(2):
        response = client.get(feed_path(reader))
        assert "HIDDENMARKER" in items(response)["Water diplomacy"]
        assert not response.has_header("X-Page-Cache")
    from django.core.cache import cache

    from sitecache import FORMAT, digest, local_copies

    assert cache.get(f"page:{FORMAT}:{digest('testserver', feed_path(reader))}") is None
    assert not [value for value in local_copies.items.values() if "HIDDENMARKER" in repr(value)]


def test_two_readers_addresses_never_mix(reader, article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    make_grant(reader=reader)
    other = make_reader()
    entitled, refused = Client(), Client()
    for _ in range(2):
        assert "HIDDENMARKER" in items(entitled.get(feed_path(reader)))["Water diplomacy"]
        assert "HIDDENMARKER" not in items(refused.get(feed_path(other)))["Water diplomacy"]
        # The public feed, a shared document, stays public after the personal ones.
        assert "HIDDENMARKER" not in items(refused.get("/en/feeds/rss/"))["Water diplomacy"]


def test_the_public_feed_kept_in_the_cache_never_carries_a_reader_s_text(client, reader, article):
    make_grant(reader=reader)
    items(client.get(feed_path(reader)))
    assert "HIDDENMARKER" not in items(client.get("/en/feeds/rss/"))["Water diplomacy"]
    items(client.get(feed_path(reader)))
    assert "HIDDENMARKER" not in items(client.get("/en/feeds/rss/"))["Water diplomacy"]


@pytest.mark.parametrize("count", [3, 40])
def test_the_feed_costs_the_same_for_3_or_40_articles(client, reader, django_assert_max_num_queries, count):
    """The key (1); the reader and their grants with issues, dropped from the cache (3); the articles,
    tags, authors, public blocks (4); the whole blocks of the articles the reader may read (1). The
    site's own shared data (content version, discussion settings) is kept from the first request on."""
    from django.core.cache import cache

    from readers import cached

    issue = make_issue()
    make_grant(reader=reader, issues=[issue])
    for n in range(count):
        if n % 2:
            make_print_first(language="en", issue=issue)
        else:
            make_article(language="en", blocks=[("text", "<p>Free.</p>")], tags=["water"])
    client.get(feed_path(reader))
    cache.delete(cached.key(reader.pk))
    with django_assert_max_num_queries(9):
        titles = items(client.get(feed_path(reader)))
    assert len(titles) == min(count, 30)


def test_too_many_requests_from_one_address_are_refused(client, reader, settings):
    settings.READERS_FEED_PER_IP = 2
    assert client.get(feed_path(reader)).status_code == 200
    assert client.get(feed_path(reader)).status_code == 200
    response = client.get(feed_path(reader))
    assert response.status_code == 429 and "no-store" in response["Cache-Control"]


# The account page


def test_the_account_page_shows_the_feed_address_to_a_reader_with_access(client, reader):
    make_grant(reader=reader)
    html = sign_in_as(client, reader).get(ACCOUNT).content.decode()
    assert "Your personal feed" in html
    assert f"http://testserver/en/feeds/reader/{reader.feed_key}/rss/" in html
    assert "Do not share it" in html and 'action="/en/account/feed/reset/"' in html


def test_a_reader_whose_access_is_still_to_come_sees_the_address_too(client, reader):
    make_grant(reader=reader, starts_at=timezone.now() + timedelta(days=3))
    assert reader.feed_key in sign_in_as(client, reader).get(ACCOUNT).content.decode()


def test_a_reader_without_access_sees_nothing_of_the_feed(client, reader):
    make_grant(reader=reader, starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now())
    html = sign_in_as(client, reader).get(ACCOUNT).content.decode()
    assert "Your personal feed" not in html and reader.feed_key not in html


def test_the_account_page_with_the_feed_costs_no_more_queries(client, reader, django_assert_max_num_queries):
    make_grant(reader=reader)
    browser = sign_in_as(client, reader)
    browser.get(ACCOUNT)
    with django_assert_max_num_queries(4):
        assert reader.feed_key in browser.get(ACCOUNT).content.decode()


def test_resetting_from_the_account_page_changes_the_address(client, reader, article):
    make_grant(reader=reader)
    browser = sign_in_as(client, reader)
    old = feed_path(reader)
    browser.get(ACCOUNT)
    response = browser.post("/en/account/feed/reset/")
    assert response.status_code == 302 and response["Location"] == "/en/account/#account-feed"
    reader.refresh_from_db()
    html = browser.get(ACCOUNT).content.decode()
    assert reader.feed_key in html and old not in html and "The old address no longer works" in html
    assert Client().get(old).status_code == 404
    assert "HIDDENMARKER" in items(Client().get(feed_path(reader)))["Water diplomacy"]


def test_a_reset_needs_post(client, reader):
    before = reader.feed_key
    assert sign_in_as(client, reader).get("/en/account/feed/reset/").status_code == 405
    reader.refresh_from_db()
    assert reader.feed_key == before


def test_a_reset_needs_the_csrf_token(reader):
    browser = sign_in_as(Client(enforce_csrf_checks=True), reader)
    before = reader.feed_key
    assert browser.post("/en/account/feed/reset/").status_code == 403
    reader.refresh_from_db()
    assert reader.feed_key == before


def test_a_reset_needs_a_signed_in_reader(client, reader):
    response = client.post("/en/account/feed/reset/")
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


# The admin


def test_a_manager_resets_a_leaked_feed_address(reader, article):

    make_grant(reader=reader)
    old = feed_path(reader)
    manager = make_manager()
    admin = Client()
    admin.force_login(manager)
    response = admin.post(
        "/admin/readers/reader/", {"action": "reset_feed_selected", "_selected_action": [reader.pk]}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert "HIDDENMARKER" in items(Client().get(feed_path(reader)))["Water diplomacy"]
