"""Writes of the institutions app: the grant of a reader with an institution's address, the readings."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from readers.models import AccessGrant, Reader
from readers.services import grant_create, grant_period_follow, grant_revoke

from .lookup import institutions_listing
from .models import Institution, InstitutionReading


def month_start(day):
    return day.replace(day=1)


def reading_count(institution, now=None):
    """Count one whole text read from `institution`'s networks in this month (atomic, no personal data)."""
    month = month_start(timezone.localdate(now))
    rows = InstitutionReading.objects.filter(institution_id=institution.pk, month=month)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            InstitutionReading.objects.create(institution_id=institution.pk, month=month, count=1)
    except IntegrityError:  # another request made the month's row first
        rows.update(count=F("count") + 1)


def institution_grant_sync(*, institution: Institution, reader: Reader) -> AccessGrant | None:
    """Give `reader` (whose proven address is at one of the institution's domains) the institution's
    grant for its period: one per reader and institution, its period moved when the institution's
    changed. A grant a manager revoked stays revoked (None is returned)."""
    starts_at, ends_at = institution.period()
    source_type = ContentType.objects.get_for_model(Institution)
    with transaction.atomic():
        Reader.objects.select_for_update().filter(pk=reader.pk).first()  # one sign-in at a time
        grant = (
            AccessGrant.objects.filter(
                reader=reader,
                reason=AccessGrant.Reason.INSTITUTION,
                source_type=source_type,
                source_id=institution.pk,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if grant is not None:
            return grant_period_follow(grant=grant, starts_at=starts_at, ends_at=ends_at)
        return grant_create(
            reader=reader,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=AccessGrant.Reason.INSTITUTION,
            source=institution,
            note=institution.name[:200],
        )


def institutions_for_address(email, now=None):
    """The active institutions, not ended at `now`, that list the domain of `email`."""
    today = timezone.localdate(now)
    return [i for i in institutions_listing(email) if i.ends_on is None or i.ends_on >= today]


def grants_on_sign_in(*, reader: Reader, now=None) -> list:
    """The grants of every institution whose domain the signed-in reader's address is at."""
    if reader.verified_at is None:
        return []
    grants = []
    for institution in institutions_for_address(reader.email, now):
        grant = institution_grant_sync(institution=institution, reader=reader)
        if grant is not None:
            grants.append(grant)
    return grants


def institution_grants_update(*, institution: Institution, changed_by=None) -> int:
    """After a manager changed `institution`: its readers' grants follow its period, and are revoked
    when it is made inactive. Saved one by one (post_save drops each reader's cached grants)."""
    source_type = ContentType.objects.get_for_model(Institution)
    grants = AccessGrant.objects.filter(
        reason=AccessGrant.Reason.INSTITUTION,
        source_type=source_type,
        source_id=institution.pk,
        revoked_at=None,
    )
    starts_at, ends_at = institution.period()
    changed = 0
    for grant in grants:
        if not institution.active:
            changed += grant_revoke(grant=grant, revoked_by=changed_by)
        elif (grant.starts_at, grant.ends_at) != (starts_at, ends_at):
            grant.starts_at, grant.ends_at = starts_at, ends_at
            grant.save(update_fields=["starts_at", "ends_at", "updated_at"])
            changed += 1
    return changed
