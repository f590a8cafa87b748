"""Changes to a staff member's second factors: enrolling an app, recovery codes, a superuser's reset."""

from binascii import unhexlify

from django.db import transaction
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guards.lockout import failure_record, is_locked_out

from .audit import Kind, audit_record
from .sessions import current_session_key, sessions_end
from .twofactor import LockedOut, code_normalize

RECOVERY_CODE_COUNT = 10
TOTP_TOLERANCE = 1  # steps either side, as django-otp's TOTPDevice allows


def factor_changed(*, user, kind, detail):
    """Log a change of `user`'s factors and end their other sessions (the current one stays)."""
    audit_record(kind, user=user, detail=detail)
    sessions_end(user, keep=current_session_key())


def totp_enrol(request, *, key, code):
    """Add an authenticator app with secret `key` (hex) for the signed-in user if `code` is its current code.

    Return the new device, or None for a wrong code (counted like a wrong password); raise LockedOut
    while the account or the address is locked.
    """
    user = request.user
    if is_locked_out(request, user.get_username()):
        raise LockedOut
    totp = TOTP(unhexlify(key))
    code = code_normalize(code)
    if not (code.isdigit() and totp.verify(int(code), tolerance=TOTP_TOLERANCE)):
        failure_record(request, user.get_username())
        audit_record(Kind.SIGN_IN_FAILED, user=user, detail="wrong code while adding an authenticator app")
        return None
    # last_t: the code just typed cannot be used again to sign in.
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=totp.t()
    )


@transaction.atomic
def recovery_codes_issue(*, user):
    """Replace `user`'s recovery codes with RECOVERY_CODE_COUNT new single-use ones and return them.

    Only this return value ever shows them: the caller displays them once.
    """
    device, created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if not created:  # a new device was logged (and other sessions ended) by its own signal
        factor_changed(user=user, kind=Kind.RECOVERY_CODES_ISSUED, detail="new recovery codes")
    else:
        audit_record(Kind.RECOVERY_CODES_ISSUED, user=user, detail="first recovery codes")
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def factors_reset(*, user, actor):
    """Remove every second factor of `user` (a lost phone or key): they enrol again at their next sign-in."""
    removed = [str(device) for device in devices_for_user(user, confirmed=None)]
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    audit_record(Kind.FACTOR_RESET, user=user, actor=actor, detail=", ".join(removed) or "none")
    sessions_end(user, keep=current_session_key())
    return len(removed)
