"""Announcements go out in the background: a task sends for a while, then queues the rest of the batch.

The delivery log (Delivery) stays the record, and the engine (sending.announcement_send) stays as it was:
throttled, one SMTP session per batch, each letter marked sent right after the server took it. So a task
killed midway is resumed by the next run without a second letter to anyone (but the one in flight).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils import timezone

from outbox.queue import enqueue_at
from outbox.tasks import letter_delivery

from .models import Announcement
from .sending import announcement_send

logger = logging.getLogger(__name__)


@task
def announcement_deliver(announcement_id: int, failed_runs: int = 0) -> dict:
    """Send the announcement for SUBSCRIPTIONS_TASK_SECONDS, then queue the next part if any is left.

    A run stopped by a mail server that fails letter after letter is tried again with backoff, at most
    OUTBOX_MAX_ATTEMPTS times in a row; then the error is logged and an editor sends it again by hand.
    """
    announcement = Announcement.objects.select_related("issue").filter(pk=announcement_id).first()
    if announcement is None:
        return {"stopped": "deleted"}
    try:
        report = announcement_send(announcement=announcement, time_limit=settings.SUBSCRIPTIONS_TASK_SECONDS)
    except ValidationError as error:
        logger.error("Announcement %s not sent: %s", announcement_id, "; ".join(error.messages))
        return {"stopped": "unpublished"}
    if report.remaining and report.stopped == "time limit":
        announcement_deliver.enqueue(announcement_id)
    elif report.remaining and report.stopped == "failures":
        failed_runs += 1
        if failed_runs >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error(
                "Announcement %s stopped: the mail server failed %d runs in a row; %d letters left.",
                announcement_id,
                failed_runs,
                report.remaining,
            )
        else:
            when = timezone.now() + timedelta(seconds=letter_delivery.retry_delay(failed_runs))
            logger.error(
                "Announcement %s: letters fail one after another; next try at %s.", announcement_id, when
            )
            enqueue_at(announcement_deliver, when, announcement_id, failed_runs)
    return {
        "sent": report.sent,
        "failed": report.failed,
        "remaining": report.remaining,
        "stopped": report.stopped,
    }
