"""The Telegram tasks: each run of `telegram_post_send` posts an article at most once, retries with
backoff (or after Telegram's retry_after), and survives a killed worker like the outbox's letters."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from articles.models import Article
from outbox.queue import enqueue_at

from . import telegram
from .models import TelegramPost

logger = logging.getLogger(__name__)
Status = TelegramPost.Status


def retry_delay(attempts):
    """Seconds before the next try after `attempts` failed ones: 1, 4, 16… times TELEGRAM_RETRY_SECONDS."""
    return settings.TELEGRAM_RETRY_SECONDS * 4 ** (attempts - 1)


@task
def telegram_due_task() -> int:
    """Post the articles whose publication time has come (queued for a scheduled article's moment)."""
    from .services import telegram_posts_detect

    return len(telegram_posts_detect())


@task
def telegram_post_send(post_id: int) -> str:
    """Post TelegramPost `post_id` if it is due; run it any number of times, the channel gets it once."""
    now = timezone.now()
    post = telegram_post_claim(post_id, now=now)
    if post is None:
        telegram_give_up_if_abandoned(post_id, now=now)
        return "not due"
    article = Article.objects.published().select_related("issue").filter(pk=post.article_id).first()
    if article is None:
        TelegramPost.objects.filter(pk=post.pk).update(
            status=Status.CANCELLED,
            next_attempt_at=None,
            last_error="The article is no longer published.",
            updated_at=timezone.now(),
        )
        return "cancelled"
    channel = telegram.channel_for(post.language)
    try:
        if not (telegram.is_enabled() and channel):
            raise telegram.TelegramError(
                "TELEGRAM_BOT_TOKEN or the channel of this language is not set.", permanent=True
            )
        call = telegram.post_for(article, channel)
        try:
            result = telegram.call(call.method, call.payload)
        except telegram.TelegramError as error:
            if not (error.permanent and call.method == "sendPhoto"):
                raise
            # Telegram could not fetch the cover (a private media address): post the text alone.
            logger.warning(
                "Telegram post %s: the photo was refused (%s); sending the text alone.", post.pk, error
            )
            call = telegram.message_for(article, channel)
            result = telegram.call(call.method, call.payload)
    except telegram.TelegramError as error:
        telegram_post_failed(post, error, now=timezone.now())
        return "failed"
    text = call.payload.get("caption") or call.payload.get("text", "")
    TelegramPost.objects.filter(pk=post.pk).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
        channel=channel,
        message_id=result.get("message_id"),
        text=text,
        updated_at=timezone.now(),
    )
    return "sent"


def telegram_post_claim(post_id, *, now):
    """Mark the post "sending" if it is due (one conditional UPDATE), else None; as outbox.letter_claim."""
    claim_until = now + timedelta(seconds=settings.TELEGRAM_SENDING_TIMEOUT)
    due = Q(status=Status.QUEUED) | Q(status__in=[Status.FAILED, Status.SENDING], next_attempt_at__lte=now)
    with transaction.atomic():
        claimed = TelegramPost.objects.filter(
            due, pk=post_id, attempts__lt=settings.TELEGRAM_MAX_ATTEMPTS
        ).update(
            status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=claim_until, updated_at=now
        )
        if not claimed:
            return None
        enqueue_at(telegram_post_send, claim_until + timedelta(seconds=1), post_id)
    return TelegramPost.objects.get(pk=post_id)


def telegram_give_up_if_abandoned(post_id, *, now):
    """A post left "sending" by a killed worker on its last attempt is failed for good."""
    TelegramPost.objects.filter(pk=post_id, status=Status.SENDING, next_attempt_at__lte=now).update(
        status=Status.FAILED,
        next_attempt_at=None,
        last_error="The worker stopped while sending the last attempt; the post may have gone out.",
        updated_at=now,
    )


def telegram_post_failed(post, error, *, now):
    """Record why the post failed; queue the next try (after retry_after, else backoff) or give up."""
    final = error.permanent or post.attempts >= settings.TELEGRAM_MAX_ATTEMPTS
    delay = error.retry_after if error.retry_after is not None else retry_delay(post.attempts)
    next_at = None if final else now + timedelta(seconds=delay)
    with transaction.atomic():
        ours = TelegramPost.objects.filter(pk=post.pk, status=Status.SENDING, attempts=post.attempts).update(
            status=Status.FAILED, last_error=str(error)[:2000], next_attempt_at=next_at, updated_at=now
        )
        if ours and not final:
            enqueue_at(telegram_post_send, next_at, post.pk)
    logger.error(
        "Telegram post %s (article %s, %s) failed on attempt %d of %d (%s): %s",
        post.pk,
        post.article_id,
        post.language,
        post.attempts,
        settings.TELEGRAM_MAX_ATTEMPTS,
        "failed for good" if final else f"next try at {next_at:%Y-%m-%d %H:%M:%S}",
        error,
    )
