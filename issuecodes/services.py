"""Everything that can happen to a code batch or a code; the admin and the redeem page call these."""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readers.models import AccessGrant
from readers.services import grant_create

from .codes import code_generate, code_hash, code_hashes, code_normalise
from .models import Code, CodeBatch, Redemption


class RedeemError(Exception):
    """A code that cannot be redeemed; `message` tells the reader why. Nothing was changed."""

    code = "invalid"
    message = _("This code cannot be redeemed.")

    def __str__(self):
        return str(self.message)


class CodeUnknown(RedeemError):
    code = "unknown"
    message = _("There is no such code. Check it against the printed issue and type it again.")


class CodeRevoked(RedeemError):
    code = "revoked"
    message = _("This code has been withdrawn by the editorial office and can no longer be used.")


class CodeUsedUp(RedeemError):
    code = "used_up"
    message = _("This code has already been used as many times as it allows.")


class CodeAlreadyRedeemed(RedeemError):
    code = "already_redeemed"
    message = _("You have already redeemed this code: its issue is open in your account.")


@transaction.atomic
def batch_create(*, batch: CodeBatch, created_by=None) -> list[str]:
    """Save the new `batch` and its codes; return the codes' text ('XXXXX-XXXXX'), which is stored
    nowhere: this is the only time it exists. A shared batch has one code for `count` readers."""
    batch.created_by = created_by
    batch.full_clean()
    batch.save()
    shared = batch.kind == CodeBatch.Kind.SHARED
    wanted = 1 if shared else batch.count
    codes = {}  # hash: text
    while len(codes) < wanted:
        fresh = {}
        for _n in range(wanted - len(codes)):
            text = code_generate()
            fresh[code_hash(code_normalise(text))] = text
        # 31^10 codes: a repeat is next to impossible, but a printed code must be unique.
        for digest in Code.objects.filter(code_hash__in=list(fresh)).values_list("code_hash", flat=True):
            del fresh[digest]
        codes |= fresh
    Code.objects.bulk_create(
        Code(batch=batch, code_hash=digest, last_four=text[-4:], max_redemptions=batch.count if shared else 1)
        for digest, text in codes.items()
    )
    texts = list(codes.values())
    return texts


def batch_revoke(*, batch: CodeBatch, now=None) -> bool:
    """Stop the codes of `batch` from being redeemed; grants already made stay. False if revoked already."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = CodeBatch.objects.filter(pk=batch.pk, revoked_at__isnull=True).update(
            revoked_at=now, updated_at=now
        )
        Code.objects.filter(batch=batch, revoked_at__isnull=True).update(revoked_at=now)
    batch.refresh_from_db()
    return bool(changed)


def code_redeem(*, reader, text: str, now=None) -> Redemption:
    """Redeem the code `text` (as typed) for `reader`: a grant to the batch's issue, for the batch's days.

    Raises ValidationError for text that cannot be a code, RedeemError for a code that cannot be
    redeemed. The code's row is locked while it is counted, so its last use goes to one reader only.
    """
    hashes = code_hashes(code_normalise(text))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            code = (
                Code.objects.select_for_update(of=("self",))
                .select_related("batch__issue")
                .filter(code_hash__in=hashes)
                .first()
            )
            if code is None:
                raise CodeUnknown
            if code.revoked_at is not None or code.batch.revoked_at is not None:
                raise CodeRevoked
            if Redemption.objects.filter(code=code, reader=reader).exists():
                raise CodeAlreadyRedeemed
            if code.redemptions >= code.max_redemptions:
                raise CodeUsedUp
            grant = grant_create(
                reader=reader,
                scope=AccessGrant.Scope.ISSUES,
                issues=[code.batch.issue],
                starts_at=now,
                ends_at=code.batch.ends_at(now),
                reason=AccessGrant.Reason.CODE,
                source=code,
            )
            redemption = Redemption.objects.create(code=code, reader=reader, redeemed_at=now, grant=grant)
            counted = Code.objects.filter(Q(redemptions__lt=F("max_redemptions")), pk=code.pk).update(
                redemptions=F("redemptions") + 1
            )
            if not counted:
                raise CodeUsedUp
    except IntegrityError as error:
        # The same reader twice at once (the unique constraint), or a database without row locks.
        raise CodeAlreadyRedeemed from error
    return redemption
