"""The renewal reminders: 30 and 7 days before a print subscription ends, once each, through the outbox."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from outbox.models import Letter
from outbox.services import letter_send

from .models import PrintSubscription

# (days before the end, the field that records the letter); the nearer one is checked first.
REMINDERS = [(7, "reminded_7_at"), (30, "reminded_30_at")]


def renew_url(language):
    if settings.PRINTSUBS_RENEW_URL:
        return settings.PRINTSUBS_RENEW_URL
    with translation.override(language):
        return settings.SITE_URL + reverse("magazine:contacts")


def reminder_due(subscription, today):
    """The (days, field) of the reminder `subscription` is due today, or None."""
    left = (subscription.ends_on - today).days
    if left < 0:
        return None
    for days, field in REMINDERS:
        if left <= days:
            return (days, field) if getattr(subscription, field) is None else None
    return None


def reminders_send(*, today=None) -> int:
    """Queue every reminder due today; return how many. Running it again the same day sends nothing:
    each letter and the mark that it went are written in one transaction."""
    today = today or timezone.localdate()
    candidates = PrintSubscription.objects.filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=30))
    sent = 0
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            subscription = (
                PrintSubscription.objects.select_for_update(of=("self",)).select_related("reader").get(pk=pk)
            )
            due = reminder_due(subscription, today)
            if due is None:
                continue
            days, field = due
            if reminder_send(subscription=subscription, days=days):
                sent += 1
            setattr(subscription, field, timezone.now())
            subscription.save(update_fields=[field, "updated_at"])
    return sent


def reminder_send(*, subscription, days) -> bool:
    """Queue the reminder to the reader's address (or the listed one); False when there is no address."""
    reader = subscription.reader
    to = reader.email if reader is not None else subscription.email
    if not to:
        return False
    language = reader.language if reader is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "subscription": subscription,
            "days": days,
            "renew_url": renew_url(language),
            "site_url": settings.SITE_URL,
            "language": language,
        }
        subject = render_to_string("printsubscribers/email/reminder_subject.txt", context)
        body = render_to_string("printsubscribers/email/reminder_body.txt", context)
    letter_send(
        to=to,
        subject=subject,
        body=body,
        kind=Letter.Kind.REMINDER,
        language=language,
        about=subscription,
        key=f"printsubs-remind:{subscription.pk}:{subscription.ends_on.isoformat()}:{days}",
    )
    return True
