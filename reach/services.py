"""Finding what to post to Telegram, and the operators' retries. Publication is detected here only.

An article is posted when it becomes live (Article.objects.published()): saved live, its issue
published, or its scheduled time come (a deferred task at that moment, and `manage.py reach_tick`
as the safety net). Each detection writes the TelegramPost rows in the caller's transaction; the
sending task is queued when it commits. Only articles published within TELEGRAM_LOOKBACK_HOURS are
posted, so turning the channel on, or editing an old article, posts nothing old.
"""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article
from outbox.queue import enqueue_at

from . import telegram
from .models import TelegramPost
from .tasks import telegram_delivery, telegram_due_task, telegram_post_send


def posted_languages():
    return [code for code, _name in settings.LANGUAGES if telegram.channel_for(code)]


@transaction.atomic
def telegram_posts_detect(*, articles=None, now=None) -> list[TelegramPost]:
    """Write a post for each live article of `articles` (default: all) that has none yet; return them.

    Idempotent: the unique (article, language) pair absorbs a concurrent detection of the same article.
    """
    if not telegram.is_enabled():
        return []
    now = now or timezone.now()
    since = now - timedelta(hours=settings.TELEGRAM_LOOKBACK_HOURS)
    already = TelegramPost.objects.filter(article=OuterRef("pk"), language=OuterRef("language"))
    found = (
        (articles if articles is not None else Article.objects.all())
        .published(now)
        .filter(publish_at__gte=since, language__in=posted_languages())
        .filter(~Exists(already))
        .values_list("pk", "language")
    )
    created = []
    for article_id, language in found:
        try:
            with transaction.atomic():
                post = TelegramPost.objects.create(article_id=article_id, language=language)
        except IntegrityError:
            continue
        transaction.on_commit(partial(telegram_post_send.enqueue, post.pk), robust=True)
        created.append(post)
    return created


def telegram_schedule(article, *, now=None):
    """Queue a detection run for the moment a scheduled `article` goes live (nothing if it is not)."""
    now = now or timezone.now()
    if not telegram.is_enabled() or article.status != Article.Status.PUBLISHED or not article.publish_at:
        return
    if article.publish_at > now:
        moment = article.publish_at + timedelta(seconds=1)
        transaction.on_commit(partial(enqueue_at, telegram_due_task, moment), robust=True)


def telegram_posts_retry(*, posts) -> int:
    """Queue `posts` again now with a fresh set of attempts; return how many. Sent ones are left alone."""
    return telegram_delivery.retry(posts)


def telegram_posts_recover(now=None) -> int:
    """Queue a task for every post whose task may be lost (queued long ago, claim or retry overdue)."""
    return telegram_delivery.recover(now)
