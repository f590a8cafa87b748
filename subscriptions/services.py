"""Everything that can happen to a subscriber or an announcement; views, admin and commands call these."""

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import IntegrityError, connection as db, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.models import Letter
from outbox.services import letter_send

from .addresses import normalize_email
from .letters import AnnouncementLetters, announcement_preview, confirmation_parts
from .models import Announcement, Delivery, Subscriber

logger = logging.getLogger(__name__)

# A run stops after this many failed letters in a row: the mail server is down, not one address bad,
# and going on would only use up every address's attempts.
STOP_AFTER_FAILURES_IN_A_ROW = 20


def subscriber_subscribe(*, email: str, language: str) -> Subscriber:
    """Record `email` as pending (unless confirmed) and send a confirmation letter when one is due.

    The outcome is invisible to the caller on purpose: a confirmed address is left alone, a pending one
    gets at most one letter per SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS, an unsubscribed one starts over.
    """
    email, now = normalize_email(email), timezone.now()
    with transaction.atomic():
        subscriber, created = _subscriber_get_or_insert(email=email, language=language, now=now)
        if created or _confirmation_claim(subscriber=subscriber, language=language, now=now):
            subscriber.language = language
            # Queued with the subscriber in one transaction; the worker sends it, never this request.
            confirmation_send(subscriber=subscriber, sent_at=now)
    return subscriber


def _subscriber_get_or_insert(*, email, language, now):
    """(subscriber, created): an insert that loses the race with a concurrent request reads that row."""
    subscriber = Subscriber.objects.with_email(email).first()
    if subscriber is not None:
        return subscriber, False
    try:
        with transaction.atomic():  # a savepoint: the enclosing transaction survives the IntegrityError
            fields = {"email": email, "language": language, "last_confirmation_sent_at": now}
            return Subscriber.objects.create(**fields), True
    except IntegrityError:
        return Subscriber.objects.with_email(email).get(), False


def _confirmation_claim(*, subscriber, language, now):
    """True if a new confirmation letter is due to an existing subscriber, who is then pending again.

    One conditional UPDATE decides and claims the letter, so two requests cannot both send it.
    """
    cutoff = now - timedelta(seconds=settings.SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS)
    due = Q(status=Subscriber.Status.UNSUBSCRIBED) | Q(status=Subscriber.Status.PENDING) & (
        Q(last_confirmation_sent_at__isnull=True) | Q(last_confirmation_sent_at__lte=cutoff)
    )
    return bool(
        Subscriber.objects.filter(due, pk=subscriber.pk).update(
            status=Subscriber.Status.PENDING, language=language, last_confirmation_sent_at=now, updated_at=now
        )
    )


def confirmation_send(*, subscriber: Subscriber, sent_at) -> Letter:
    """Queue the confirmation letter claimed at `sent_at` (one letter per claim, whatever the retries)."""
    subject, text, html = confirmation_parts(subscriber)
    return letter_send(
        to=subscriber.email,
        subject=subject,
        body=text,
        html=html,
        kind=Letter.Kind.CONFIRMATION,
        language=subscriber.language,
        about=subscriber,
        key=f"confirm:subscriber:{subscriber.pk}:{sent_at.timestamp():.6f}",
    )


def subscriber_confirm(*, subscriber: Subscriber) -> bool:
    """Confirm a pending subscriber; True if confirmed (now or before), False if unsubscribed (no change)."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.CONFIRMED, confirmed_at=now, updated_at=now
    )
    subscriber.refresh_from_db()
    return subscriber.is_confirmed


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Unsubscribe at once: no letter of any announcement is sent to the address after this returns."""
    now = timezone.now()
    Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
        status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now, updated_at=now
    )
    # Queued letters go; failed ones stay as the record of what happened.
    Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).delete()
    subscriber.refresh_from_db()


def subscriber_subscribe_verified(*, email: str, language: str) -> Subscriber:
    """Subscribe an address its owner has just proven (a signed-in reader): confirmed at once, no letter."""
    email, now = normalize_email(email), timezone.now()
    with transaction.atomic():
        subscriber, _created = _subscriber_get_or_insert(email=email, language=language, now=now)
        Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.CONFIRMED).update(
            status=Subscriber.Status.CONFIRMED, language=language, confirmed_at=now, updated_at=now
        )
    subscriber.refresh_from_db()
    return subscriber


def subscriber_forget(*, email: str) -> None:
    """Delete the subscriber of `email` and its delivery log (its owner deleted their reader account)."""
    Subscriber.objects.with_email(email).delete()


def announcement_create(*, issue) -> Announcement:
    """The announcement of `issue`, created if needed; the issue must be published."""
    announcement = Announcement.objects.filter(issue=issue).first()
    if announcement is None:
        announcement = Announcement(issue=issue)
        announcement.full_clean()
        announcement.save()
    return announcement


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


def announcement_test_send(*, announcement: Announcement, user, language: str, key: str) -> Letter:
    """Queue the announcement in `language` to `user`'s own address, marked as a test.

    One letter per `key` (the admin form's), however many times the form is posted.
    """
    if not user.email:
        raise ValidationError(
            _("Your account has no email address: add it to your user in the admin first."), code="no_email"
        )
    subject, text, html = announcement_preview(announcement, language)
    return letter_send(
        to=user.email,
        subject=_("[Test] %(subject)s") % {"subject": subject},
        body=text,
        html=html,
        kind=Letter.Kind.TEST,
        language=language,
        about=announcement,
        key=f"announcement-test:{announcement.pk}:{key}",
    )


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
    if not announcement.issue.is_published:
        raise ValidationError(_("Publish the issue before announcing it."), code="unpublished")
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
