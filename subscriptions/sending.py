"""The engine that sends an announcement to every confirmed subscriber, and what its delivery log says.

Throttled, one SMTP session per batch, each letter marked sent right after the mail server took it, so
a run stopped midway is resumed by running it again. Who may be announced is eligibility.py's; when to
start is services.issue_announce's; the task (tasks.py) and the command run this engine.
"""

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import mailers
from django.db import connection as db, transaction
from django.db.models import F, Q
from django.utils import timezone

from .eligibility import issue_announceable_check
from .letters import AnnouncementLetters
from .models import Announcement, Delivery, Subscriber

logger = logging.getLogger(__name__)

# A run stops after this many failed letters in a row: the mail server is down, not one address bad,
# and going on would only use up every address's attempts.
STOP_AFTER_FAILURES_IN_A_ROW = 20


def announcement_recipients(*, announcement: Announcement, max_attempts: int | None = None):
    """The confirmed subscribers a send would reach now: not sent yet, and not given up on."""
    max_attempts = max_attempts or settings.SUBSCRIPTIONS_SEND_MAX_ATTEMPTS
    done = Delivery.objects.filter(
        Q(status=Delivery.Status.SENT) | Q(status=Delivery.Status.FAILED, attempts__gte=max_attempts),
        announcement=announcement,
    )
    return Subscriber.objects.confirmed().exclude(pk__in=done.values("subscriber"))


def announcement_progress(*, announcement: Announcement) -> dict:
    """How far the sending is, in counts only (never an address): for the admin page and its polling."""
    counts = (
        Announcement.objects.with_counts()
        .filter(pk=announcement.pk)
        .values("sent_count", "failed_count", "pending_count", "started_at", "finished_at")[0]
    )
    total = counts["sent_count"] + counts["failed_count"] + counts["pending_count"]
    return {
        "sent": counts["sent_count"],
        "failed": counts["failed_count"],
        "pending": counts["pending_count"],
        "total": total,
        "started": counts["started_at"] is not None,
        "finished": counts["finished_at"] is not None,
    }


@dataclass
class SendReport:
    sent: int = 0  # in this run
    failed: int = 0  # failed attempts in this run
    remaining: int = 0  # deliveries still to try: pending, or failed with attempts left
    stopped: str = ""  # "", "time limit" or "failures": why the run ended before `remaining` was 0


def announcement_send(
    *,
    announcement: Announcement,
    batch_size: int | None = None,
    rate: float | None = None,
    max_attempts: int | None = None,
    time_limit: float | None = None,
    progress=None,
) -> SendReport:
    """Send the announcement to every confirmed subscriber who has not received it; safe to run again.

    Each delivery is marked sent in its own short transaction right after the mail server accepted the
    letter, so an interrupted run is resumed by running it again: a crash can repeat at most the one
    letter in flight. Failed letters are retried (in later passes and runs) until `max_attempts`.
    `rate` is letters per second (0: unthrottled); `progress(done, total)` is called after each letter.
    """
    batch_size = batch_size or settings.SUBSCRIPTIONS_SEND_BATCH_SIZE
    rate = settings.SUBSCRIPTIONS_SEND_RATE if rate is None else rate
    max_attempts = max_attempts or settings.SUBSCRIPTIONS_SEND_MAX_ATTEMPTS
    issue_announceable_check(announcement.issue)
    deliveries_create(announcement=announcement)
    Announcement.objects.filter(pk=announcement.pk, started_at__isnull=True).update(started_at=timezone.now())

    queue = deliveries_to_send(announcement=announcement, max_attempts=max_attempts).select_related(
        "subscriber"
    )
    letters, report, pace = AnnouncementLetters(announcement), SendReport(), _Pacer(rate)
    deadline = time.monotonic() + time_limit if time_limit else None
    total = failures_in_a_row = 0
    for _pass in range(max_attempts):  # a pass tries each due delivery once; failed ones come again
        due = queue.count()
        if report.stopped or not due:
            break
        total, last_pk = total + due, 0
        while not report.stopped and (batch := list(queue.filter(pk__gt=last_pk)[:batch_size])):
            last_pk = batch[-1].pk
            with mailers.default as mail_connection:  # one SMTP session per batch
                for delivery in batch:
                    pace.wait()
                    outcome = _deliver(delivery, queue, letters, mail_connection)
                    if outcome is None:  # no longer due
                        continue
                    report.sent, report.failed = report.sent + outcome, report.failed + (not outcome)
                    failures_in_a_row = 0 if outcome else failures_in_a_row + 1
                    if progress:
                        progress(report.sent + report.failed, total)
                    if failures_in_a_row >= STOP_AFTER_FAILURES_IN_A_ROW:
                        report.stopped = "failures"
                    elif deadline and time.monotonic() > deadline:
                        report.stopped = "time limit"
                    if report.stopped:
                        break

    report.remaining = queue.count()
    if not report.remaining:
        Announcement.objects.filter(pk=announcement.pk).update(finished_at=timezone.now())
    logger.info("Announcement %s: %s", announcement.pk, report)
    return report


def deliveries_create(*, announcement: Announcement) -> None:
    """Queue a delivery for each confirmed subscriber who has none for this announcement yet."""
    missing = Subscriber.objects.confirmed().exclude(deliveries__announcement=announcement).order_by("pk")
    Delivery.objects.bulk_create(
        (
            Delivery(announcement=announcement, subscriber_id=pk)
            for pk in missing.values_list("pk", flat=True)
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )


def deliveries_to_send(*, announcement: Announcement, max_attempts: int):
    """Deliveries still to try, oldest first: never sent, not given up on, subscriber still confirmed."""
    return Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.FAILED, attempts__lt=max_attempts),
        announcement=announcement,
        subscriber__status=Subscriber.Status.CONFIRMED,
    ).order_by("pk")


def _deliver(delivery, queue, letters, mail_connection):
    """Send one letter; True if sent, False if it failed, None if it was no longer due."""
    # PostgreSQL: the row stays locked while its letter goes out, so a second run started by mistake
    # skips it instead of sending it too. SQLite has no row locks (and one writer at a time): autocommit.
    claim = transaction.atomic() if db.features.has_select_for_update else nullcontext()
    with claim:
        rows = queue.filter(pk=delivery.pk).select_for_update(skip_locked=True, of=("self",))
        if not list(rows.values_list("pk", flat=True)):  # sent by another run, or the subscriber left
            return None
        try:
            if not mail_connection.send_messages([letters.letter(delivery.subscriber)]):
                raise RuntimeError("the mail backend accepted no message")
        except Exception as error:  # one bad address must not stop the others: record, go on
            logger.warning("Delivery %s failed: %r", delivery.pk, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, attempts=F("attempts") + 1, last_error=repr(error)[:2000]
            )
            return False
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
        )
        return True


class _Pacer:
    """Spaces calls to wait() at least 1/rate seconds apart (rate 0: no waiting)."""

    def __init__(self, rate):
        self.interval = 1 / rate if rate and rate > 0 else 0
        self.next_at = time.monotonic()

    def wait(self):
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval
