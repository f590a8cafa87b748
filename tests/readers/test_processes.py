"""A reader's whole text and a reader's sign-in limits across real gunicorn processes (default settings).

Server A runs two workers, server B one more process, on one database and the shipped shared cache;
requests alternate between them. An entitled reader reads first, so every process has the article's
pieces warm when anonymous readers come.
"""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from tests.sitecache.test_processes import (
    Site,
    alternate,
    database_url,
    get,
    production_environment,
    start_gunicorn,
    stop,
)

HIDDEN = "READER-HIDDEN-PART-5d2e"
SETUP = f"""
from django.utils import timezone
from articles.models import Article, ArticleBlock
from issues.models import Issue
from readers.models import AccessGrant, Reader
issue = Issue.objects.create(year=2026, number_first=1, is_published=True)
article = Article.objects.create(
    issue=issue, title="Water first", slug="water-first", status="published", access="print_first",
    publish_at=timezone.now() - timezone.timedelta(days=1), public_block_count=1,
)
for position, text in enumerate(["Open part.", "{HIDDEN} closing part."], start=1):
    ArticleBlock.objects.create(article=article, position=position, body=f"<p>{{text}}</p>")
reader = Reader.objects.create(email="subscriber@example.org")
grant = AccessGrant.objects.create(reader=reader, scope="issues")
grant.issues.add(issue)
"""
# A new session of the reader, signed in now: a test that signs the reader out everywhere ends only
# the sessions made before it.
SIGN_IN = """
from django.contrib.sessions.backends.db import SessionStore
from readers.models import Reader
reader = Reader.objects.get(email="subscriber@example.org")
session = SessionStore()
session["readers:reader"] = [reader.pk, reader.session_generation]
session.create()
print(session.session_key)
"""
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("reader-processes")
    env = production_environment(
        database_url(tmp_path, "_reader_processes"), tmp_path, CACHE_PATH=str(tmp_path / "cache.sqlite3")
    )
    for name in (
        "REDIS_URL",
        "CACHE_OFF",
        "PAGE_CACHE_SECONDS",
        "FRAGMENT_CACHE_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    site = Site(env)
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("collectstatic", "--noinput", "-v", "0")
    site.manage("shell", "-c", SETUP)
    a, site.a = start_gunicorn(env, workers=2, probe="/uz/")
    b, site.b = start_gunicorn(env, workers=1, probe="/uz/")
    yield site
    stop(a)
    stop(b)


@pytest.fixture
def session(site):
    """The session id of the entitled reader, signed in for this test alone."""
    return site.manage("shell", "-c", SIGN_IN).stdout.decode().split()[-1]


def get_as(url, session):
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return response.status, response.headers, response.read().decode()


def test_an_entitled_readers_text_reaches_no_anonymous_reader_of_any_process(site, session):
    path = "/uz/articles/water-first/"
    for n in range(6):
        status, headers, body = get_as((site.a, site.b)[n % 2] + path, session)
        assert status == 200 and HIDDEN in body
        assert "private" in headers["Cache-Control"] and "X-Page-Cache" not in headers
    pages = alternate(site, path, times=20)
    assert all(status == 200 and "Open part." in body for status, _, body in pages)
    assert not [body for _, _, body in pages if HIDDEN in body], "the whole text reached an anonymous reader"
    assert {headers["X-Page-Cache"] for _, headers, _ in pages[2:]} == {"hit"}


def test_a_reader_signed_out_everywhere_by_another_process_reads_the_excerpt_on_every_process(site, session):
    path = "/uz/articles/water-first/"
    assert HIDDEN in get_as(site.a + path, session)[2]
    site.shell(
        "from django.db.models import F; from readers.models import Reader; "
        "Reader.objects.update(session_generation=F('session_generation') + 1)"
    )
    for base in (site.a, site.b, site.a):
        assert HIDDEN not in get_as(base + path, session)[2]


def test_an_edit_in_another_process_reaches_the_entitled_readers_of_every_process_at_once(site, session):
    """The readers' shared page (sitecache.shared_page) is kept in every process and the shared cache."""
    path = "/uz/articles/water-first/"
    other = site.manage("shell", "-c", SIGN_IN).stdout.decode().split()[-1]  # another session, alike
    for base in (site.a, site.b, site.a, site.b):
        for who in (session, other):
            assert HIDDEN in get_as(base + path, who)[2]
    site.shell(
        "from articles.models import ArticleBlock; block = ArticleBlock.objects.get(position=2); "
        "block.body = '<p>Rewritten by the desk, closing part.</p>'; block.save()"
    )
    for base in (site.a, site.b, site.a, site.b):
        for who in (other, session):
            body = get_as(base + path, who)[2]
            assert "Rewritten by the desk" in body and HIDDEN not in body
    site.shell(
        "from articles.models import ArticleBlock; block = ArticleBlock.objects.get(position=2); "
        f"block.body = '<p>{HIDDEN} closing part.</p>'; block.save()"
    )


def test_wrong_codes_are_counted_once_across_processes(site):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(base, path, fields):
        token = CSRF.search(opener.open(base + "/uz/account/sign-in/", timeout=20).read().decode())[1]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(base + path, data, headers={"Referer": base + "/"})
        try:
            with opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post(site.a, "/uz/account/sign-in/", {"email": "guessed@example.org"}) == 200  # → check inbox
    statuses = [
        post((site.a, site.b)[n % 2], "/uz/account/sign-in/check-inbox/", {"code": "000000"})
        for n in range(6)
    ]
    assert statuses == [400] * 6
    assert post(site.b, "/uz/account/sign-in/check-inbox/", {"code": "000000"}) == 429
    assert post(site.a, "/uz/account/sign-in/check-inbox/", {"code": "000000"}) == 429
    assert get(site.a + "/uz/")[0] == 200


def test_a_personal_feed_is_no_one_else_s_in_any_process_and_a_reset_closes_it_everywhere(site):
    code = "from readers.models import Reader; print(Reader.objects.get().feed_key)"
    printed = site.manage("shell", "-c", code)
    path = f"/uz/feeds/reader/{printed.stdout.decode().split()[-1]}/rss/"
    for n in range(4):
        status, headers, body = get((site.a, site.b)[n % 2] + path)
        assert status == 200 and HIDDEN in body
        assert "no-store" in headers["Cache-Control"] and "X-Page-Cache" not in headers
    public = alternate(site, "/uz/feeds/rss/", times=4)
    assert all(status == 200 and HIDDEN not in body for status, _, body in public)
    site.shell(
        "from readers.models import Reader; from readers.services import reader_feed_key_reset; "
        "reader_feed_key_reset(reader=Reader.objects.get())"
    )
    assert [get(base + path)[0] for base in (site.a, site.b, site.a)] == [404, 404, 404]
