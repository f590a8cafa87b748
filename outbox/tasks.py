"""The delivery task: each run sends a letter at most once, retries with backoff, survives a killed worker.

At-least-once window: a letter is claimed ("sending") for OUTBOX_SENDING_TIMEOUT seconds. If the worker
dies after the mail server accepted the letter but before the row says "sent", the letter is sent again
once the claim runs out; nothing else can send it twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone

from .models import Letter
from .queue import enqueue_at

logger = logging.getLogger(__name__)
Status = Letter.Status


class MailNotAccepted(Exception):
    """The mail backend returned without sending (a backend that fails silently)."""


def retry_delay(attempts):
    """Seconds before the next try after `attempts` failed ones: 1, 4, 16… times OUTBOX_RETRY_SECONDS."""
    return settings.OUTBOX_RETRY_SECONDS * 4 ** (attempts - 1)


@task
def letter_deliver(letter_id: int) -> str:
    """Send letter `letter_id` if it is due; run it any number of times, it sends the letter once."""
    now = timezone.now()
    letter = letter_claim(letter_id, now=now)
    if letter is None:
        letter_give_up_if_abandoned(letter_id, now=now)
        return "not due"
    try:
        if not mailers.default.send_messages([letter.message()]):
            raise MailNotAccepted("the mail backend accepted no message")
    except Exception as error:  # a broken set-up, a refused address, a server away: recorded, retried
        letter_failed(letter, error, now=timezone.now())
        return "failed"
    letter_mark_sent(letter, now=timezone.now())
    return "sent"


def letter_claim(letter_id, *, now):
    """Mark the letter "sending" if it is due and ours to send (one conditional UPDATE), else None.

    Due: queued; failed with a next try that has come; or "sending" with a claim that ran out (a killed
    worker). In the same transaction a watchdog run is queued for when this claim runs out.
    """
    claim_until = now + timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    due = Q(status=Status.QUEUED) | Q(status__in=[Status.FAILED, Status.SENDING], next_attempt_at__lte=now)
    with transaction.atomic():
        claimed = Letter.objects.filter(due, pk=letter_id, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS).update(
            status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=claim_until, updated_at=now
        )
        if not claimed:
            return None
        enqueue_at(letter_deliver, claim_until + timedelta(seconds=1), letter_id)
    return Letter.objects.get(pk=letter_id)


def letter_give_up_if_abandoned(letter_id, *, now):
    """A letter left "sending" by a killed worker on its last attempt is failed for good."""
    abandoned = Letter.objects.filter(pk=letter_id, status=Status.SENDING, next_attempt_at__lte=now).update(
        status=Status.FAILED,
        next_attempt_at=None,
        last_error="The worker stopped while sending the last attempt; the letter may not have left.",
        updated_at=now,
    )
    if abandoned:
        logger.error("Letter %s: its worker stopped on the last attempt; failed for good.", letter_id)


def letter_failed(letter, error, *, now):
    """Record why the letter failed, log it, and queue the next try with backoff (or give up)."""
    reason = f"{type(error).__name__}: {error}"[:2000]
    final = letter.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    next_at = None if final else now + timedelta(seconds=retry_delay(letter.attempts))
    with transaction.atomic():
        ours = Letter.objects.filter(pk=letter.pk, status=Status.SENDING, attempts=letter.attempts).update(
            status=Status.FAILED, last_error=reason, next_attempt_at=next_at, updated_at=now
        )
        if ours and not final:
            enqueue_at(letter_deliver, next_at, letter.pk)
    logger.error(
        "Letter %s (%s) to %s failed on attempt %d of %d (%s): %s",
        letter.pk,
        letter.kind,
        letter.to,
        letter.attempts,
        settings.OUTBOX_MAX_ATTEMPTS,
        "failed for good" if final else f"next try at {next_at:%Y-%m-%d %H:%M:%S}",
        reason,
    )


def letter_mark_sent(letter, *, now):
    done = Letter.objects.filter(pk=letter.pk).exclude(status=Status.SENT)
    if not done.update(status=Status.SENT, sent_at=now, next_attempt_at=None, last_error="", updated_at=now):
        logger.warning("Letter %s was sent again after its claim ran out (at-least-once window).", letter.pk)
