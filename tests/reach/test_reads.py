import gzip
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reach import reads
from reach.models import DailyReadCount
from tests.factories import make_article, make_editor, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
IP = "203.0.113.77"


def read(client, article, language="uz", agent=BROWSER, **extra):
    return client.get(f"/{language}/articles/{article.slug}/", HTTP_USER_AGENT=agent, REMOTE_ADDR=IP, **extra)


def counted(article):
    reads.reads_fold()
    return sum(DailyReadCount.objects.filter(article=article).values_list("count", flat=True))


class RecordingCache:
    """The shared cache, recording every write the counter makes (key and value)."""

    def __init__(self):
        self.writes = []

    def __getattr__(self, name):
        return getattr(cache, name)

    def incr(self, key, delta=1):
        value = cache.incr(key, delta)
        self.writes.append((key, value))
        return value

    def add(self, key, value, timeout=None):
        self.writes.append((key, value))
        return cache.add(key, value, timeout)

    def set(self, key, value, timeout=None):
        self.writes.append((key, value))
        return cache.set(key, value, timeout)


def test_a_readers_visit_is_counted_and_folded_into_the_day():
    article = make_article()
    assert read(Client(), article).status_code == 200
    assert counted(article) == 1
    row = DailyReadCount.objects.get()
    assert (row.article, row.day, row.count) == (article, timezone.localdate(), 1)


def test_page_cache_hits_count_too(client):
    article = make_article()
    assert read(client, article)["X-Page-Cache"] == "miss"
    assert read(client, article)["X-Page-Cache"] == "hit"
    assert read(client, article, language="ru").status_code == 200
    assert counted(article) == 3


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0)",
        "TelegramBot (like TwitterBot)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36",
    ],
)
def test_bots_are_not_counted(client, agent):
    article = make_article()
    assert read(client, article, agent=agent).status_code == 200
    assert counted(article) == 0


def test_prefetches_are_not_counted(client):
    article = make_article()
    read(client, article, HTTP_SEC_PURPOSE="prefetch;prerender")
    assert counted(article) == 0


def test_staff_visits_are_not_counted(client):
    article = make_article()
    client.force_login(make_editor())
    assert read(client, article).status_code == 200
    assert counted(article) == 0


def test_a_signed_in_readers_visit_is_counted(client):
    article = make_article()
    sign_in_as(client, make_reader())
    response = read(client, article)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert counted(article) == 1


def test_other_pages_missing_articles_and_head_requests_are_not_counted(client):
    article = make_article()
    client.get("/uz/", HTTP_USER_AGENT=BROWSER)
    client.get("/uz/articles/no-such-article/", HTTP_USER_AGENT=BROWSER)
    client.head(f"/uz/articles/{article.slug}/", HTTP_USER_AGENT=BROWSER)
    draft = make_article(status="draft")
    read(client, draft)
    assert reads.reads_fold() == 0
    assert not DailyReadCount.objects.exists()


KEY = re.compile(r"^mostread:\d{4}-\d\d-\d\d:(n|slot:\d+|count:[0-9a-f]{40})$")


def test_the_counter_stores_no_ip_cookie_or_user(client, monkeypatch):
    recorder = RecordingCache()
    monkeypatch.setattr(reads, "cache", recorder)
    article = make_article()
    client.cookies["django_language"] = "uz"
    client.cookies["csrftoken"] = "C" * 32
    for _ in range(2):
        read(client, article, HTTP_X_FORWARDED_FOR=IP)
    reader = make_reader(email="reader-privacy@example.org")
    sign_in_as(client, reader)
    read(client, article, language="ru")
    session_cookie = client.cookies["sessionid"].value
    assert recorder.writes
    secrets = {IP, "C" * 32, session_cookie, "reader-privacy@example.org", BROWSER, "Mozilla"}
    for key, value in recorder.writes:
        # Each key is a day and a number or a slug's digest; each value a count or the article's slug.
        assert KEY.match(key), key
        assert (isinstance(value, int) and not isinstance(value, bool)) or value == article.slug
        for secret in secrets:
            assert secret not in f"{key} {value}"
    recorder.writes.clear()
    reads.reads_fold()
    # The fold writes each language's list: titles and links of articles, nothing about a reader.
    assert {key for key, _value in recorder.writes} >= {"mostread:list:uz", "mostread:list:ru"}
    for key, value in recorder.writes:
        assert KEY.match(key) or key.startswith(("mostread:list:", "mostread:fold-lock")), key
        for secret in secrets:
            assert secret not in f"{key} {value}"
    # The one table the counter writes holds an article, a day and a number: nothing about a person.
    assert {field.name for field in DailyReadCount._meta.get_fields()} == {"id", "article", "day", "count"}
    assert list(DailyReadCount.objects.values_list("article", "day", "count")) == [
        (article.pk, timezone.localdate(), 3)
    ]


def test_folding_twice_counts_each_read_once(client):
    article = make_article()
    read(client, article)
    read(client, article)
    assert reads.reads_fold() == 2
    assert reads.reads_fold() == 0
    read(client, article)
    assert reads.reads_fold() == 1
    assert DailyReadCount.objects.get().count == 3


def test_a_running_fold_is_not_run_twice(client):
    article = make_article()
    read(client, article)
    cache.add(reads.FOLD_LOCK, 1, 60)
    assert reads.reads_fold() == 0
    cache.delete(reads.FOLD_LOCK)
    assert reads.reads_fold() == 1


def test_yesterdays_late_counts_are_folded_too():
    article = make_article()
    yesterday = timezone.localdate() - timedelta(days=1)
    reads.read_count(article.slug, day=yesterday)
    reads.reads_fold()
    assert DailyReadCount.objects.get().day == yesterday


def counts(article, n, *, days_ago=0):
    DailyReadCount.objects.create(
        article=article, day=timezone.localdate() - timedelta(days=days_ago), count=n
    )


def test_the_list_ranks_the_weeks_reads_per_language():
    uz_top, uz_second, ru_top = (
        make_article(language="uz"),
        make_article(language="uz"),
        make_article(language="ru"),
    )
    old = make_article(language="uz")
    counts(uz_top, 50)
    counts(uz_top, 10, days_ago=3)
    counts(uz_second, 40)
    counts(ru_top, 5)
    counts(old, 500, days_ago=8)  # last week's
    draft = make_article(language="uz", status="draft")
    counts(draft, 900)
    # The reader's language first, then the others by their reads.
    assert [a.pk for a in reads.most_read("uz")] == [uz_top.pk, uz_second.pk, ru_top.pk]
    assert [a.pk for a in reads.most_read("ru")] == [ru_top.pk, uz_top.pk, uz_second.pk]
    assert reads.most_read("uz")[0].reads == 60


def test_a_translation_replaces_its_original_in_its_language():
    original = make_article(language="uz")
    translation = make_article(language="ru", translation_of=original)
    counts(original, 10)
    counts(translation, 3)
    assert [a.pk for a in reads.most_read("ru")] == [translation.pk]
    assert [a.pk for a in reads.most_read("uz")] == [original.pk]


def most_read_section(html):
    start = html.index('class="widget widget--most-read"')
    return html[start : html.index("</section>", start)]


def test_the_sidebar_shows_the_list_in_the_pages_language(client):
    uz, ru = (
        make_article(language="uz", title="Suv masalasi"),
        make_article(language="ru", title="Водный вопрос"),
    )
    counts(uz, 9)
    counts(ru, 7)
    reads.reads_fold()
    uz_list = most_read_section(client.get("/uz/").content.decode())
    ru_list = most_read_section(client.get("/ru/").content.decode())
    assert uz_list.index("Suv masalasi") < uz_list.index("Водный вопрос")
    assert ru_list.index("Водный вопрос") < ru_list.index("Suv masalasi")
    assert f'href="/ru/articles/{ru.slug}/"' in ru_list and "Самое читаемое за неделю" in ru_list
    assert f'href="/uz/articles/{uz.slug}/"' in uz_list


def test_without_counts_the_widget_is_absent_and_leaves_no_marker(client):
    make_article()
    reads.reads_fold()
    content = client.get("/uz/").content.decode()
    assert "widget--most-read" not in content and "reach:most-read" not in content


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_page_cache_hit_gets_the_current_list(client, monkeypatch, encoding):
    """Gzipped too: the page is compressed once, when kept, with the list's marker as a slot
    (sitecache.register_fill) that every answer fills with the list of the moment."""
    article = make_article(language="uz", title="Birinchi")
    assert client.get("/uz/", headers={"accept-encoding": encoding})["X-Page-Cache"] == "miss"
    counts(article, 4)
    reads.reads_fold()
    monkeypatch.setattr(reads, "current_minute", lambda: 10**9)  # a minute later: the new list is read
    response = client.get("/uz/", headers={"accept-encoding": encoding})
    assert response["X-Page-Cache"] == "hit"
    assert response.get("Content-Encoding", "identity") == encoding
    body = gzip.decompress(response.content) if encoding == "gzip" else response.content
    assert "Birinchi" in most_read_section(body.decode()) and b"reach:most-read" not in body


def test_the_list_changes_when_the_fold_runs(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(language="uz", title="Birinchi")
    monkeypatch.setattr(reads, "current_minute", lambda: 10**9)
    for _ in range(3):
        read(client, article)
    assert "widget--most-read" not in client.get("/uz/issues/").content.decode()
    reads.reads_fold()
    monkeypatch.setattr(reads, "current_minute", lambda: 10**9 + 1)
    assert "Birinchi" in most_read_section(client.get("/uz/issues/").content.decode())


def test_a_process_reads_the_shared_list_at_most_once_a_minute(monkeypatch):
    calls = []
    real_get = reads.cache.get
    monkeypatch.setattr(reads.cache, "get", lambda key, *a: calls.append(key) or real_get(key, *a))
    monkeypatch.setattr(reads, "current_minute", lambda: 100)
    for _ in range(5):
        reads.most_read_html("uz")
    monkeypatch.setattr(reads, "current_minute", lambda: 101)
    reads.most_read_html("uz")
    assert calls == ["mostread:list:uz", "mostread:list:uz"]


def reach_queries(queries):
    return [q["sql"] for q in queries if "reach_" in q["sql"]]


def test_pages_spend_no_query_on_the_list_or_the_count(client, settings, django_assert_num_queries):
    """The list is rendered by the fold (manage.py reach_tick), the count goes to the cache."""
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(language="uz")
    counts(article, 3)
    with django_assert_num_queries(len(reads_settings_languages())):
        reads.most_read_rebuild()  # one query per language, in the periodic command
    with CaptureQueriesContext(connection) as home:
        assert "widget--most-read" in client.get("/uz/").content.decode()
    assert reach_queries(home.captured_queries) == []
    read(client, article)  # the article's own fragments warm
    with CaptureQueriesContext(connection) as counting:
        read(client, article)
    with CaptureQueriesContext(connection) as bot:
        read(client, article, agent="Googlebot/2.1")
    assert len(counting.captured_queries) == len(bot.captured_queries)
    assert reach_queries(counting.captured_queries) == []


def reads_settings_languages():
    from django.conf import settings

    return settings.LANGUAGES
