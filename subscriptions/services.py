"""Subscribers and announcements as editors and subscribers act on them; views, admin and commands call these.

Owns the subscriber's life cycle (subscribe, confirm, unsubscribe, subscribe a proven address, forget)
and the editors' steps with an announcement (create it, send a test to oneself, announce the issue).
The engine that sends an announcement to every subscriber, and what its delivery log says, is
sending.py.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.audit import audit
from outbox.models import Letter
from outbox.services import letter_send

from .addresses import normalize_email
from .eligibility import issue_announceable_check
from .letters import announcement_preview, confirmation_parts
from .models import Announcement, Delivery, Subscriber
from .tasks import announcement_deliver


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
    """The announcement of `issue`, created if needed; the issue must be announceable (eligibility.py)."""
    announcement = Announcement.objects.filter(issue=issue).first()
    if announcement is None:
        announcement = Announcement(issue=issue)
        announcement.full_clean()
        announcement.save()
    return announcement


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


def issue_announce(*, announcement: Announcement, by=None, background: bool = True):
    """Announce the issue of `announcement` to every confirmed subscriber who has not received it.

    Checked against the announcement rule (ValidationError for an issue that may not be announced) and
    kept in the audit log whoever calls it: the admin's send page and action (`by`, the editor), the
    command (`by` None), the shell. With `background` the task worker sends it and the task's result is
    returned (finished already under an immediate backend); without it the caller runs the engine
    (sending.announcement_send) itself, and None is returned.
    """
    issue_announceable_check(announcement.issue)
    detail = f"issue {announcement.issue.label}: announcement #{announcement.pk}"
    audit("issue_announced", by=by, detail=detail)
    return announcement_deliver.enqueue(announcement.pk) if background else None
