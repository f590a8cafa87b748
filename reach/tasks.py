"""The Telegram tasks: each run of `telegram_post_send` posts an article at most once.

The claim, the retries (after Telegram's retry_after, else with backoff) and the at-least-once window
after a killed worker are outbox.delivery's, with the TELEGRAM_* settings, as for the outbox's letters.
"""

import logging

from django.tasks import task
from django.utils import timezone

from articles.models import Article
from outbox.delivery import Delivery

from . import telegram
from .models import TelegramPost

logger = logging.getLogger(__name__)
Status = TelegramPost.Status


@task
def telegram_due_task() -> int:
    """Post the articles whose publication time has come (queued for a scheduled article's moment)."""
    from .services import telegram_posts_detect

    return len(telegram_posts_detect())


@task
def telegram_post_send(post_id: int) -> str:
    """Post TelegramPost `post_id` if it is due; run it any number of times, the channel gets it once."""
    post = telegram_delivery.claim(post_id)
    if post is None:
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
        telegram_delivery.failed(post, str(error), permanent=error.permanent, delay=error.retry_after)
        return "failed"
    text = call.payload.get("caption") or call.payload.get("text", "")
    telegram_delivery.sent(post, channel=channel, message_id=result.get("message_id"), text=text)
    return "sent"


telegram_delivery = Delivery(
    model=TelegramPost,
    task=telegram_post_send,
    prefix="TELEGRAM",
    describe=lambda post: f"Telegram post {post.pk} (article {post.article_id}, {post.language})",
    abandoned_error="The worker stopped while sending the last attempt; the post may have gone out.",
    retriable=[Status.QUEUED, Status.FAILED, Status.CANCELLED],
)
