"""One truth across processes, with the default settings (no Redis): real gunicorn processes.

Server A runs gunicorn with two workers, server B a third process, both with production settings
and the shipped cache defaults on one database; changes come from yet another process
(`manage.py shell`, as any management command would). Requests alternate between A and B, so
every assertion holds for two processes whatever worker of A answers.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from bench import production_environment, start_gunicorn, stop  # noqa: E402

HIDDEN = "HIDDEN-PART-MARKER-7c1e"
COMMENT = "A-COMMENT-WAITING-FOR-MODERATION-3f0a"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = f"""
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article, ArticleBlock
from issues.models import Issue
issue = Issue.objects.create(year=2026, number_first=1, is_published=True, theme="Rivers")
article = Article.objects.create(
    issue=issue, title="Water first", slug="water-first", status="published",
    publish_at=timezone.now() - timezone.timedelta(days=1), public_block_count=1,
)
for position, text in enumerate(["Open part.", "Second part.", "{HIDDEN} closing part."], start=1):
    ArticleBlock.objects.create(article=article, position=position, body=f"<p>{{text}}</p>")
User.objects.create_user("nodira", password="a-good-long-password", is_staff=True)
from comments.models import Comment
Comment.objects.create(article=article, author_name="Reader", author_email="r@example.org", body="{COMMENT}")
"""


def database_url(tmp_path, suffix="_processes"):
    """A database of its own: a SQLite file, or a PostgreSQL database beside the suite's."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'site.sqlite3'}"
    import psycopg2

    parts = urllib.parse.urlsplit(suite)
    name = parts.path.lstrip("/") + suffix
    admin = psycopg2.connect(dbname="postgres", user=parts.username, host=parts.hostname, port=parts.port)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


class Site:
    def __init__(self, env):
        self.env = env

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True
        )

    def shell(self, code):
        """Run `code` in another process, as any management command would change content."""
        self.manage("shell", "-c", code)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("processes")
    env = production_environment(
        database_url(tmp_path),
        tmp_path,
        CACHE_PATH=str(tmp_path / "cache.sqlite3"),
        LOGIN_FAILURES_PER_USER="5",
        LOGIN_FAILURES_PER_IP="100",
    )
    shipped = ("REDIS_URL", "CACHE_OFF", "PAGE_CACHE_SECONDS", "FRAGMENT_CACHE_SECONDS")
    for name in (*shipped, "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the shipped cache settings, whatever the suite's
        env.pop(name, None)
    site = Site(env)
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("collectstatic", "--noinput", "-v", "0")
    site.shell(SETUP)
    a, site.a = start_gunicorn(env, workers=2, probe="/uz/")
    b, site.b = start_gunicorn(env, workers=1, probe="/uz/")
    yield site
    stop(a)
    stop(b)


def get(url):
    """A GET on a new connection, as a new visitor: (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def alternate(site, path, times=20):
    """`times` answers to `path`, from server A and server B in turn."""
    return [get((site.a, site.b)[n % 2] + path) for n in range(times)]


def test_a_change_made_by_another_process_is_on_every_page_of_every_process(site):
    warm = alternate(site, "/uz/")
    assert all(status == 200 for status, _, _ in warm)
    assert {headers["X-Page-Cache"] for _, headers, _ in warm[2:]} == {"hit"}

    site.shell('from issues.models import Issue; i = Issue.objects.get(); i.theme = "Mountains"; i.save()')

    pages = alternate(site, "/uz/")
    assert all("Mountains" in body for _, _, body in pages), "a stale home page was served"


def test_an_edit_from_another_process_cools_its_page_everywhere_and_leaves_the_others_warm(site):
    site.shell(
        "from django.utils import timezone; from articles.models import Article; "
        'Article.objects.create(title="Quiet corner", slug="quiet-corner", status="published", '
        "publish_at=timezone.now() - timezone.timedelta(days=2))"
    )
    alternate(site, "/uz/articles/water-first/")
    alternate(site, "/uz/articles/quiet-corner/")

    site.shell(
        'from articles.models import Article; a = Article.objects.get(slug="water-first"); '
        'a.title = "Water first, revised"; a.save()'
    )

    edited = alternate(site, "/uz/articles/water-first/")
    assert all("Water first, revised" in body for _, _, body in edited), "a stale article page was served"
    other = alternate(site, "/uz/articles/quiet-corner/")
    assert {headers["X-Page-Cache"] for _, headers, _ in other} == {"hit"}, "an unrelated page was cooled"


def test_an_article_switched_to_print_first_is_never_served_whole_again(site):
    before = alternate(site, "/uz/articles/water-first/")
    assert all(HIDDEN in body for _, _, body in before)  # free: both processes keep the whole text

    site.shell(
        'from articles.models import Article; a = Article.objects.get(slug="water-first"); '
        'a.access = "print_first"; a.save()'
    )

    after = alternate(site, "/uz/articles/water-first/", times=30)
    assert all(status == 200 for status, _, _ in after)
    assert not [body for _, _, body in after if HIDDEN in body], "the hidden text left the server"


def test_a_comment_approved_by_one_process_shows_on_every_process(site):
    before = alternate(site, "/uz/articles/water-first/")
    assert not [body for _, _, body in before if COMMENT in body]

    site.shell(
        "from django.contrib.auth.models import User; from comments.models import Comment; "
        "from comments.services import comments_approve; "
        "comments_approve(comments=Comment.objects.all(), moderator=User.objects.get())"
    )

    after = alternate(site, "/uz/articles/water-first/")
    assert all(COMMENT in body for _, _, body in after), "the approved comment is missing on a process"


def test_sign_in_failures_are_counted_once_across_processes(site):
    def attempt(base, password):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = CSRF.search(opener.open(base + "/admin/login/", timeout=20).read().decode())[1]
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "nodira", "password": password, "next": "/admin/"}
        ).encode()
        request = urllib.request.Request(base + "/admin/login/", data, headers={"Referer": base + "/"})
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl()

    for n in range(5):  # five failures, spread over both servers
        status, _ = attempt((site.a, site.b)[n % 2], f"wrong-{n}")
        assert status == 200
    # The sixth try is refused by whichever process gets it, even with the right password.
    assert attempt(site.a, "a-good-long-password")[0] == 429
    assert attempt(site.b, "a-good-long-password")[0] == 429
