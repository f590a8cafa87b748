"""Everything that can happen to a print subscription; the activation page, sign-in, the admin and the
import call these. The reader's access is one grant (readers.services.grant_create) per link."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from issues.days import day_start
from readers.models import AccessGrant
from readers.services import grant_create, grant_period_follow, grant_revoke

from .models import PrintSubscription


class AlreadyLinked(Exception):
    """The subscription is linked to another reader's account."""


def subscription_period(subscription):
    """(starts_at, ends_at) of the subscription's days: from the first day's midnight to the end of
    the last day, in the site's time zone (settings.TIME_ZONE)."""
    return day_start(subscription.starts_on), day_start(subscription.ends_on + timedelta(days=1))


@transaction.atomic
def subscription_link(*, subscription: PrintSubscription, reader, now=None) -> PrintSubscription:
    """Link `subscription` to `reader` and give the reader its access grant (one per link).

    Linking again to the same reader only brings the grant's period up to date. Raises AlreadyLinked
    when another reader holds it (moving it is a manager's unlink in the admin).
    """
    now = now or timezone.now()
    subscription = PrintSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.reader_id is not None and subscription.reader_id != reader.pk:
        raise AlreadyLinked
    if subscription.reader_id is None:
        subscription.reader = reader
        subscription.linked_at = now
        subscription.save(update_fields=["reader", "linked_at", "updated_at"])
    subscription_grant_sync(subscription=subscription)
    return subscription


def subscription_grant_sync(*, subscription: PrintSubscription) -> AccessGrant | None:
    """Make the linked reader's grant cover the subscription's days: create it, or move its period.

    The grant is saved through the model (post_save), which drops the reader's cached grants. A grant
    a manager revoked stays revoked (None is returned): unlinking and linking again gives a new one.
    """
    if subscription.reader_id is None:
        return None
    starts_at, ends_at = subscription_period(subscription)
    grant = subscription.grant
    if grant is not None:
        return grant_period_follow(grant=grant, starts_at=starts_at, ends_at=ends_at)
    grant = grant_create(
        reader=subscription.reader,
        scope=AccessGrant.Scope.EVERYTHING,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=AccessGrant.Reason.PRINT_SUBSCRIPTION,
        source=subscription,
        note=f"{subscription.number}",
    )
    subscription.grant = grant
    subscription.save(update_fields=["grant", "updated_at"])
    return grant


@transaction.atomic
def subscription_unlink(*, subscription: PrintSubscription, unlinked_by=None) -> bool:
    """Take `subscription` off its reader's account and revoke its grant; False if it was not linked."""
    subscription = (
        PrintSubscription.objects.select_for_update(of=("self",))
        .select_related("grant")
        .get(pk=subscription.pk)
    )
    if subscription.reader_id is None:
        return False
    if subscription.grant is not None:
        grant_revoke(grant=subscription.grant, revoked_by=unlinked_by)
    subscription.reader = subscription.grant = subscription.linked_at = None
    subscription.save(update_fields=["reader", "grant", "linked_at", "updated_at"])
    return True


def subscription_find(*, number: str, postal_code: str) -> PrintSubscription | None:
    """The subscription with this number and postal code (normalized), or None."""
    from .models import normalize_postal_code

    number = (number or "").strip()
    postal_code = normalize_postal_code(postal_code)
    if not number or not postal_code:
        return None
    return PrintSubscription.objects.filter(number=number, postal_code=postal_code).first()


def subscriptions_link_by_email(*, reader) -> int:
    """Link the unlinked subscriptions listed with `reader`'s (verified) address; return how many."""
    if not reader.email or getattr(reader, "verified_at", None) is None:
        return 0
    count = 0
    for subscription in PrintSubscription.objects.filter(email=reader.email, reader__isnull=True):
        try:
            subscription_link(subscription=subscription, reader=reader)
        except AlreadyLinked:  # linked by another request a moment before
            continue
        count += 1
    return count
