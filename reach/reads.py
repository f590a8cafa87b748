"""Most read: counting article reads without knowing the reader, and the week's list per language.

A read is one GET of an article page answered 200 (a page-cache hit included) to a visitor that is
neither a known bot nor a staff user. It costs one atomic increment in the shared cache, in the
response path, under a key made of the day and the article's slug: no IP, cookie, session, user or
user agent is kept anywhere. `reads_fold()` (manage.py reach_tick, every five minutes) moves the
day's counts into DailyReadCount rows and renders each language's list into the shared cache, so a
page never spends a query on it (reach/middleware.py puts it in).
"""

import logging
import re
import time
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article
from sitecache import digest, local_copies

from .models import DailyReadCount

logger = logging.getLogger(__name__)

KEY_TIMEOUT = 3 * 24 * 3600  # a day's counts wait this long for the fold, then vanish
LIST_TIMEOUT = 2 * 24 * 3600  # the lists outlive a stopped timer for two days, then the widget hides
FOLD_LOCK = "mostread:fold-lock"
# User agents that are not readers: crawlers, link previews, monitors, scripts, headless browsers.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|whatsapp|telegram|vkshare|"
    r"yandex|bingpreview|mediapartners|lighthouse|pagespeed|headless|phantom|selenium|puppeteer|playwright|"
    r"monitor|uptime|pingdom|check|curl|wget|httpie|python|java/|go-http|okhttp|axios|node-fetch|libwww|"
    r"scrapy|feedfetcher|validator",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ", "HTTP_X_PURPOSE")


@lru_cache(maxsize=1)
def article_path_patterns():
    """One pattern per language for the article page's path, made from the URLconf itself."""
    marker = "slug-marker-0"
    patterns = []
    for code, _name in settings.LANGUAGES:
        with override(code):
            before, after = reverse("articles:detail", kwargs={"slug": marker}).split(marker)
        patterns.append(re.compile(rf"^{re.escape(before)}(?P<slug>[-a-zA-Z0-9_]+){re.escape(after)}$"))
    return patterns


def article_slug(path):
    """The slug of the article page at `path`, or None for any other page."""
    for pattern in article_path_patterns():
        if match := pattern.match(path):
            return match["slug"]
    return None


def is_reader(request):
    """Whether this request is a person reading (not a bot, a prefetch or a staff user)."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or BOTS.search(agent):
        return False
    if any("prefetch" in request.META.get(name, "").lower() for name in PREFETCH_HEADERS):
        return False
    user = getattr(request, "user", None)  # absent on a page-cache hit: such a visitor has no session
    return not (user is not None and user.is_authenticated and user.is_staff)


def day_keys(day):
    prefix = f"mostread:{day.isoformat()}"
    return f"{prefix}:n", lambda n: f"{prefix}:slot:{n}", lambda slug: f"{prefix}:count:{digest(slug)}"


def _incr_or_add(key):
    """Add 1 to the counter `key`, creating it: (new value, whether this call created it)."""
    try:
        return cache.incr(key), False
    except ValueError:
        if cache.add(key, 1, KEY_TIMEOUT):
            return 1, True
        return cache.incr(key), False


def read_count(slug, *, day=None):
    """Count one read of the article `slug` today; the only write a reader's request makes here.

    The first read of the day also lists the slug in the day's numbered slots, so the fold can find
    every counter without scanning the cache.
    """
    day = day or timezone.localdate()
    count_key, slot_key, slug_key = day_keys(day)
    _, created = _incr_or_add(slug_key(slug))
    if created:
        slot, _ = _incr_or_add(count_key)
        cache.set(slot_key(slot), slug, KEY_TIMEOUT)


def reads_fold(*, now=None) -> int:
    """Move the counts of today and yesterday from the cache into DailyReadCount, then renew the lists;
    return the reads moved.

    Each counter is lowered by exactly what was moved, in the transaction that adds it to the row, so
    reads counted meanwhile wait for the next fold. Only one fold runs at a time (a cache lock).
    """
    if not cache.add(FOLD_LOCK, 1, 600):
        return 0
    try:
        today = timezone.localdate(now)
        folded = sum(fold_day(day) for day in (today - timedelta(days=1), today))
        most_read_rebuild(now=now)
        return folded
    finally:
        cache.delete(FOLD_LOCK)


def fold_day(day):
    count_key, slot_key, slug_key = day_keys(day)
    slots = cache.get(count_key) or 0
    slugs = set(cache.get_many([slot_key(n) for n in range(1, slots + 1)]).values())
    keys = {slug: slug_key(slug) for slug in slugs}
    values = cache.get_many(list(keys.values()))
    counts = {slug: values.get(key) or 0 for slug, key in keys.items()}
    counts = {slug: count for slug, count in counts.items() if count > 0}
    if not counts:
        return 0
    ids = dict(Article.objects.filter(slug__in=counts).values_list("slug", "pk"))
    with transaction.atomic():
        for slug, count in counts.items():
            if slug in ids:
                daily_read_add(article_id=ids[slug], day=day, count=count)
        for slug, count in counts.items():
            cache.decr(keys[slug], count)
    return sum(count for slug, count in counts.items() if slug in ids)


def daily_read_add(*, article_id, day, count):
    rows = DailyReadCount.objects.filter(article_id=article_id, day=day)
    if rows.update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            DailyReadCount.objects.create(article_id=article_id, day=day, count=count)
    except IntegrityError:  # another fold created it meanwhile
        rows.update(count=F("count") + count)


def most_read(language, *, count=None, days=None, now=None):
    """The week's most read published articles for readers of `language` (one query).

    Articles in `language` (a translation in place of its original) come first, then the others.
    """
    count = count or settings.MOSTREAD_COUNT
    since = timezone.localdate(now) - timedelta(days=(days or settings.MOSTREAD_DAYS) - 1)
    return list(
        Article.objects.published(now)
        .for_language(language)
        .filter(daily_reads__day__gte=since)
        .annotate(reads=Sum("daily_reads__count"))
        .filter(reads__gt=0)
        .order_by("other_language", "-reads", "-publish_at", "-id")
        .only("title", "slug", "language")[:count]
    )


def list_key(language):
    return f"mostread:list:{language}"


def most_read_rebuild(*, now=None):
    """Render each language's list into the shared cache (one query per language); done by the fold."""
    for code, _name in settings.LANGUAGES:
        with override(code):
            html = render_to_string("reach/_most_read_list.html", {"popular": most_read(code, now=now)})
        cache.set(list_key(code), html, LIST_TIMEOUT)
        local_copies.set(f"{list_key(code)}:{current_minute()}", html)  # this process sees it at once


def current_minute():
    return int(time.time() // 60)


def most_read_html(language):
    """The list for `language` as the last fold left it: no query, and one trip to the shared cache
    per process and minute (the piece is kept in this process's LocalCopies for the minute)."""
    local_key = f"{list_key(language)}:{current_minute()}"
    html = local_copies.get(local_key)
    if html is None:
        html = cache.get(list_key(language)) or ""
        local_copies.set(local_key, html)
    return html
