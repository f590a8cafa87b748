#!/usr/bin/env python
"""Generate the bench magazine (run by scripts/bench.py with the bench database in DATABASE_URL).

Monthly issues of 30 articles (as many as N needs), N articles of 10-40 blocks, 20 comments an
article (200 000 for the default 10 000; 2 000 of them on one article) and 50 000 subscribers,
written with bulk inserts and a progress bar; then var/bench/urls-<N>.json. Skips the work when the
database already holds a magazine of this size. A reader with access to everything and a fresh
session are made on every run (var/bench/cookies-<N>.json, for the `article_reader` row).
"""

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.translation import override  # noqa: E402
from taggit.models import Tag, TaggedItem  # noqa: E402

from articles.models import Article, ArticleBlock, Author  # noqa: E402
from articles.search.index import search_index_update  # noqa: E402
from comments.models import Comment  # noqa: E402
from issues.models import Issue, Section  # noqa: E402
from readers.models import AccessGrant, Reader  # noqa: E402
from readers.sessions import SESSION_KEY  # noqa: E402
from subscriptions.models import Subscriber  # noqa: E402

# 20 comments an article (200 000 for 10 000), 2 000 of them on one: pages compare across sizes.
COMMENTS_PER_ARTICLE = 20


def comments_total(articles):
    return int(os.environ.get("BENCH_COMMENTS", COMMENTS_PER_ARTICLE * articles))


SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "50000"))
BATCH = 2000
WORDS = (
    "security region water border energy corridor trade treaty dialogue council cooperation river "
    "pipeline transit railway customs drought harvest migration summit ministry analyst strategy "
    "diplomacy neighbour investment reform stability resilience infrastructure climate dam canal"
).split()


def progress(label, done, total, started):
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.monotonic() - started, 1e-6)
    sys.stdout.write(
        f"\r  {label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>7}/{total} {rate:8.0f}/s"
    )
    if done >= total:
        sys.stdout.write("\n")
    sys.stdout.flush()


def sentence(rng, words=12):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def paragraph(rng):
    return "<p>" + " ".join(sentence(rng) for _ in range(rng.randint(3, 6))) + "</p>"


def already_generated(articles):
    return (
        Article.objects.count() == articles
        and Comment.objects.count() == comments_total(articles)
        and Issue.objects.count() == len(issue_rows(articles, random.Random(), timezone.now().year))
    )


# A monthly's issue holds about 30 articles whatever the archive's size: a larger magazine has more
# issues, not larger ones (the home and issue pages then compare across sizes, as in real life).
ISSUE_SIZE = 30


def issued(n):
    """The place of article n among the articles in an issue (every 20th article is in none)."""
    return n - n // 20 - 1


def issue_rows(articles, rng, year):
    """Enough monthly issues for the articles, newest first; every third year opens with a double 1-2."""
    needed = -(-(articles - articles // 20) // ISSUE_SIZE)
    rows = []
    while len(rows) < needed:
        numbers = (
            [(1, 2), *((n, None) for n in range(3, 13))]
            if year % 3 == 0
            else [(n, None) for n in range(1, 13)]
        )
        for first, last in reversed(numbers):
            rows.append(
                Issue(
                    year=year, number_first=first, number_last=last, is_published=True, theme=sentence(rng, 4)
                )
            )
        year -= 1
    return rows[:needed]


def generate(articles):
    rng = random.Random(2025)
    now = timezone.now()
    call_command("flush", interactive=False, verbosity=0)
    sections = Section.objects.bulk_create(
        Section(
            name=f"Rubrika {n}", name_ru=f"Рубрика {n}", name_en=f"Rubric {n}", slug=f"rubric-{n}", position=n
        )
        for n in range(1, 9)
    )
    issues = Issue.objects.bulk_create(issue_rows(articles, rng, now.year))  # newest first
    authors = Author.objects.bulk_create(Author(name=f"Author {n}", slug=f"author-{n}") for n in range(300))
    tags = Tag.objects.bulk_create(
        Tag(name=f"{word}-{n}", slug=f"{word}-{n}") for n, word in enumerate(WORDS * 2)
    )

    started = time.monotonic()
    created = []
    for offset in range(0, articles, BATCH):
        batch = []
        for n in range(offset, min(articles, offset + BATCH)):
            interview = n % 5 == 0
            batch.append(
                Article(
                    issue=None if n % 20 == 0 else issues[issued(n) // ISSUE_SIZE],
                    section=sections[n % len(sections)],
                    position=issued(n) % ISSUE_SIZE,
                    language=["uz", "uz", "uz", "ru", "en"][n % 5 if n % 7 else 3],
                    title=sentence(rng, 6)[:-1] + f" {n}",
                    slug=f"bench-article-{n}",
                    lead=sentence(rng, 20),
                    interviewee_name="Interviewee Name" if interview else "",
                    status=Article.Status.PUBLISHED,
                    publish_at=now - timedelta(hours=n),
                    access=Article.Access.PRINT_FIRST if n % 3 == 0 else Article.Access.FREE,
                    public_block_count=3,
                )
            )
        with transaction.atomic():
            batch = Article.objects.bulk_create(batch)
            blocks, authored, tagged = [], [], []
            for article in batch:
                kinds = ["question", "answer"] if article.interviewee_name else ["text"]
                for position in range(rng.randint(10, 40)):
                    kind = kinds[position % len(kinds)]
                    blocks.append(
                        ArticleBlock(article=article, position=position, kind=kind, body=paragraph(rng))
                    )
                for author in rng.sample(authors, 2):
                    authored.append(Article.authors.through(article_id=article.pk, author_id=author.pk))
                for tag in rng.sample(tags, 3):
                    tagged.append(TaggedItem(tag=tag, content_object=article))
            ArticleBlock.objects.bulk_create(blocks, batch_size=5000)
            Article.authors.through.objects.bulk_create(authored, batch_size=5000)
            TaggedItem.objects.bulk_create(tagged, batch_size=5000)
        created += batch
        progress("articles", len(created), articles, started)

    started = time.monotonic()
    for n, article in enumerate(Article.objects.order_by("pk").iterator(chunk_size=500), start=1):
        search_index_update(article)
        if n % 200 == 0 or n == articles:
            progress("search index", n, articles, started)

    busy = created[1]  # a free article: the one with 2 000 comments
    started, done = time.monotonic(), 0
    while done < comments_total(articles):
        size = min(BATCH * 5, comments_total(articles) - done)
        rows = []
        for n in range(done, done + size):
            article = busy if n < 2000 else created[rng.randrange(len(created))]
            rows.append(
                Comment(
                    article=article,
                    author_name=f"Reader {n % 5000}",
                    author_email=f"reader{n % 5000}@example.org",
                    body=sentence(rng, rng.randint(8, 40)),
                    status=Comment.Status.APPROVED if n < 2000 or n % 10 else Comment.Status.PENDING,
                    approved_at=now,
                )
            )
        Comment.objects.bulk_create(rows, batch_size=5000)
        done += size
        progress("comments", done, comments_total(articles), started)

    started, done = time.monotonic(), 0
    statuses = [Subscriber.Status.CONFIRMED] * 8 + [Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED]
    while done < SUBSCRIBERS:
        size = min(BATCH * 5, SUBSCRIBERS - done)
        Subscriber.objects.bulk_create(
            (
                Subscriber(
                    email=f"subscriber{n}@example.org",
                    language=["uz", "ru", "en"][n % 3],
                    status=statuses[n % 10],
                )
                for n in range(done, done + size)
            ),
            batch_size=5000,
        )
        done += size
        progress("subscribers", done, SUBSCRIBERS, started)


def analyze():
    """Fresh planner statistics after the bulk load, as autovacuum would give a live site."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def print_first_sample():
    """The article of both print-first rows: its excerpt (anonymous) and its whole text (a reader)."""
    return Article.objects.filter(access=Article.Access.PRINT_FIRST).order_by("pk")[5]


def write_reader_session():
    """A reader with access to everything, and a new signed-in session of theirs (idempotent reader)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    reader, _ = Reader.objects.get_or_create(email="bench.reader@example.org")
    if not AccessGrant.objects.live().filter(reader=reader).exists():
        AccessGrant.objects.create(reader=reader, scope=AccessGrant.Scope.EVERYTHING)
    session = SessionStore()
    session[SESSION_KEY] = [reader.pk, reader.session_generation]
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    cookies = {"article_reader": cookie, "article_reader_cached": cookie}
    out = ROOT / "var" / "bench" / f"cookies-{Article.objects.count()}.json"
    out.write_text(json.dumps(cookies, indent=2))


def write_urls():
    free = Article.objects.published().filter(access=Article.Access.FREE, issue__isnull=False).order_by("pk")
    with override("uz"):
        busy = Article.objects.get(slug="bench-article-1")
        urls = {
            "trivial": "/bench/trivial/",
            "home": reverse("magazine:home"),
            "archive": reverse("magazine:issue-archive"),
            "issue": Issue.objects.published().first().get_absolute_url(),
            "article_cached": free[10].get_absolute_url(),
            "article_uncached": free[10].get_absolute_url(),
            "article_print_first": print_first_sample().get_absolute_url(),
            # A signed-in reader with access: the whole text of the same article, 20 comments.
            "article_reader": print_first_sample().get_absolute_url(),
            # The same with the shipped settings: the page kept for every reader told alike.
            "article_reader_cached": print_first_sample().get_absolute_url(),
            "article_2000_comments": busy.get_absolute_url(),
            "section": Section.objects.first().get_absolute_url(),
            # A reader's query: a word in the lead of 40 articles, in a magazine of any size.
            "search": reverse("articles:search") + "?q=" + SEARCH_WORD,
            "feed": reverse("articles:feed-rss"),
            # With no cache at all (pages, fragments, per-process copies): what a cold start costs.
            "article_cold": free[10].get_absolute_url(),
            "home_cold": reverse("magazine:home"),
            "issue_cold": Issue.objects.published().first().get_absolute_url(),
            "section_cold": Section.objects.first().get_absolute_url(),
            # The worst search: a word in nearly every article (one of the generator's own).
            "search_common": reverse("articles:search") + "?q=" + WORDS[0],
            "search_cold": reverse("articles:search") + "?q=" + SEARCH_WORD,
            "sitemap": "/sitemap-articles.xml",
        }
    out = ROOT / "var" / "bench" / f"urls-{Article.objects.count()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(urls, indent=2))
    write_crawl_paths()
    write_search_queries()


def write_crawl_paths():
    """var/bench/paths-<N>.txt: every published article's address, for the `crawl` rows (random.lua)."""
    with override("uz"):
        paths = [
            article.get_absolute_url() for article in Article.objects.published().only("slug", "language")
        ]
    (ROOT / "var" / "bench" / f"paths-{Article.objects.count()}.txt").write_text("\n".join(paths) + "\n")


def write_search_queries(count=2000):
    """var/bench/queries-<N>.txt: search addresses of one to three words drawn from the magazine's own
    vocabulary, common (a word of most texts) and rare (a title's number, a tag, SEARCH_WORD)."""
    rng = random.Random(7)
    rare = [SEARCH_WORD, *Tag.objects.values_list("name", flat=True)[:40]]
    total = Article.objects.count()
    search = reverse("articles:search")
    lines = []
    for _ in range(count):
        words = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            kind = rng.random()
            words.append(
                rng.choice(WORDS)
                if kind < 0.5
                else rng.choice(rare)
                if kind < 0.8
                else str(rng.randrange(total))
            )
        lines.append(f"{search}?q={'+'.join(words)}")
    (ROOT / "var" / "bench" / f"queries-{total}.txt").write_text("\n".join(lines) + "\n")


# A word in the lead of exactly this many articles, whatever the magazine's size: the bench's search
# finds the same number of results (a full first page) in a small and a large magazine.
SEARCH_WORD, SEARCH_HITS = "glacier", 40


def mark_search_sample():
    """Put SEARCH_WORD into the lead of SEARCH_HITS articles spread over the magazine (idempotent)."""
    if Article.objects.filter(lead__contains=SEARCH_WORD).count() == SEARCH_HITS:
        return
    pks = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    chosen = pks[:: max(len(pks) // SEARCH_HITS, 1)][:SEARCH_HITS]
    for article in Article.objects.filter(pk__in=chosen):
        article.lead = f"{article.lead} {SEARCH_WORD}"
        Article.objects.filter(pk=article.pk).update(lead=article.lead)
        search_index_update(article)


def main():
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    if already_generated(articles):
        print(f"The bench magazine with {articles} articles is already there.")
    else:
        print(
            f"Generating a magazine of {articles} articles, {comments_total(articles)} comments, "
            f"{SUBSCRIBERS} subscribers"
        )
        generate(articles)
        analyze()
    mark_search_sample()
    write_urls()
    write_reader_session()


if __name__ == "__main__":
    main()
