"""Everything that can happen to a reader or an access grant; views, the admin and commands call these.

Giving and revoking access are kept in the audit log (ops.audit) whoever does it: a manager in the
admin, a way in (a print subscription, a code, an institution), a command or the shell."""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.audit import audit
from outbox.services import letters_forget
from subscriptions.addresses import normalize_email
from subscriptions.services import subscriber_forget

from .feed_keys import feed_key_digest, feed_key_make
from .models import AccessGrant, Reader, SignInToken


def reader_email(value):
    """The one form of a reader's address: trimmed, lower-cased, the domain IDNA-encoded.

    Raises ValidationError for an address that is not one (subscriptions.addresses.normalize_email).
    """
    return normalize_email(value).lower()


def reader_get_or_create(*, email: str, language: str) -> tuple[Reader, bool]:
    """(reader, created) for `email`, whatever its case or spelling; a concurrent insert is absorbed."""
    email = reader_email(email)
    reader = Reader.objects.with_email(email).first()
    if reader is not None:
        return reader, False
    try:
        with transaction.atomic():  # a savepoint: the enclosing transaction survives the IntegrityError
            return Reader.objects.create(email=email, language=language), True
    except IntegrityError:
        return Reader.objects.with_email(email).get(), False


def reader_language_set(*, reader: Reader, language: str) -> None:
    Reader.objects.filter(pk=reader.pk).update(language=language, updated_at=timezone.now())
    reader.language = language


def reader_sign_out_everywhere(*, reader: Reader) -> None:
    """End every session of `reader`, on every device, at its next request (the generation moves)."""
    Reader.objects.filter(pk=reader.pk).update(session_generation=F("session_generation") + 1)
    reader.refresh_from_db(fields=["session_generation"])


def reader_feed_key_reset(*, reader: Reader) -> str:
    """Give `reader` a new personal feed address and return its key: the old address answers 404 from
    now on, in every process (the lookup reads the database; the cached reader is dropped)."""
    key, now = feed_key_make(), timezone.now()
    Reader.objects.filter(pk=reader.pk).update(
        feed_key=key, feed_key_digest=feed_key_digest(key), feed_key_created_at=now, updated_at=now
    )
    reader.feed_key, reader.feed_key_digest, reader.feed_key_created_at = key, feed_key_digest(key), now
    return key


@transaction.atomic
def reader_delete(*, reader: Reader) -> None:
    """Remove `reader`'s personal data at once: the account and its grants, the tokens of its sign-in
    letters, its sessions (they name a reader that no longer exists and are ended at their next
    request), the newsletter subscription of the address, the letters to the address in the outbox,
    and the address in the admin's history."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Reader), object_id=str(reader.pk)
    ).update(object_repr=f"reader #{reader.pk}")
    SignInToken.objects.filter(email=reader.email).delete()
    subscriber_forget(email=reader.email)
    letters_forget(to=reader.email)
    reader.delete()  # its grants go with it (on_delete CASCADE)


def grant_create(
    *,
    reader: Reader,
    scope: str = AccessGrant.Scope.EVERYTHING,
    issues=(),
    starts_at=None,
    ends_at=None,
    reason: str = AccessGrant.Reason.COMPLIMENTARY,
    granted_by=None,
    source=None,
    note: str = "",
) -> AccessGrant:
    """Give `reader` the whole text of print-first articles: everything, or `issues`, for a period.

    `granted_by` is the staff user, `source` the way in (a print subscription, a code, an
    institution) when it was not a person. Raises ValidationError for an end before the start or
    an issue grant without issues.
    """
    grant = AccessGrant(
        reader=reader,
        scope=scope,
        starts_at=starts_at or timezone.now(),
        ends_at=ends_at,
        reason=reason,
        granted_by=granted_by,
        source=source,
        note=note,
    )
    return grant_save(grant=grant, issues=issues)


def grant_save(*, grant: AccessGrant, issues=()) -> AccessGrant:
    """Store a new `grant` built elsewhere (grant_create, the admin's form) with its `issues`, and keep
    it in the audit log. Raises ValidationError as grant_create does."""
    if grant.pk is not None:
        raise ValueError("grant_save stores new grants; change a grant through grant_period_follow.")
    grant.full_clean()
    issues = list(issues)
    if grant.scope == AccessGrant.Scope.ISSUES and not issues:
        raise ValidationError({"issues": _("Choose at least one issue.")}, code="no_issues")
    with transaction.atomic():
        grant.save()
        if grant.scope == AccessGrant.Scope.ISSUES:
            grant.issues.set(issues)
        audit("access_granted", by=grant.granted_by, detail=grant_detail(grant, issues))
    return grant


def grant_detail(grant: AccessGrant, issues=()) -> str:
    """The grant as the audit log names it: its reader by number (not address), what, the period (UTC),
    why."""
    what = ", ".join(issue.label for issue in issues) if issues else grant.scope
    ends = grant.ends_at.astimezone(datetime.UTC).isoformat() if grant.ends_at else "no end"
    source = ""
    if grant.source_type_id:
        source = f", from {ContentType.objects.get_for_id(grant.source_type_id).model} #{grant.source_id}"
    period = f"{grant.starts_at.astimezone(datetime.UTC).isoformat()} to {ends}"
    return f"grant #{grant.pk} to reader #{grant.reader_id}: {what}, {period}, {grant.reason}{source}"


def grant_period_follow(*, grant: AccessGrant, starts_at, ends_at) -> AccessGrant | None:
    """Move a way in's grant to the period of its source (a print subscription, an institution).

    The grant is saved through the model (post_save drops the reader's cached grants). A grant a
    manager revoked stays revoked: None is returned, and the way in does not give it again.
    """
    if grant.revoked_at is not None:
        return None
    if (grant.starts_at, grant.ends_at) != (starts_at, ends_at):
        grant.starts_at, grant.ends_at = starts_at, ends_at
        grant.full_clean()
        grant.save(update_fields=["starts_at", "ends_at", "updated_at"])
    return grant


def grant_revoke(*, grant: AccessGrant, revoked_by=None, now=None) -> bool:
    """Revoke `grant` from `now` (the reader's next request); False if it was revoked already."""
    now = now or timezone.now()
    changed = AccessGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=revoked_by, updated_at=now
    )
    grant.refresh_from_db()
    if changed:
        audit("access_revoked", by=revoked_by, detail=f"grant #{grant.pk} to reader #{grant.reader_id}")
    return bool(changed)
