"""The second factor: who needs one, whether this session gave it (and how recently), checking a code.

Wrong codes are counted by the admin lockout (guards/lockout.py) under the same keys as wrong
passwords, so one throttle covers both steps of a sign-in.
"""

import time

from django.conf import settings
from django.utils.translation import gettext as _
from django_otp import login as otp_login, user_has_device, verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from guards.lockout import failure_record, failures_clear, is_locked_out

from .audit import Kind, audit_record
from .sessions import session_key_renew

VERIFIED_AT_KEY = "staff_2fa_verified_at"


class LockedOut(Exception):
    """The account or the address is locked: no code may be tried now."""


def second_factor_required(user):
    """True for a signed-in staff member or superuser while STAFF_2FA_REQUIRED is on."""
    return bool(
        settings.STAFF_2FA_REQUIRED and user.is_authenticated and (user.is_staff or user.is_superuser)
    )


def session_is_verified(request):
    """True when this session needs no second factor or has given it."""
    return not second_factor_required(request.user) or request.user.is_verified()


def has_second_factor(user):
    return user_has_device(user)


def factor_is_fresh(request, *, now=None):
    """True when this session gave a second factor within STAFF_2FA_FRESH_SECONDS."""
    verified_at = request.session.get(VERIFIED_AT_KEY)
    if verified_at is None or not request.user.is_verified():
        return False
    return (now or time.time()) - verified_at <= settings.STAFF_2FA_FRESH_SECONDS


def code_normalize(code):
    """Codes are typed with spaces or dashes and in any case: "123 456", "ABCD-EFGH"."""
    return "".join(code.split()).replace("-", "").lower()


def code_verify(request, code):
    """Return the device of the signed-in user that accepts `code` (an app's code or a recovery code).

    A wrong code counts as a failed sign-in for the user and the address; raises LockedOut, trying
    nothing, while either is locked.
    """
    user = request.user
    username = user.get_username()
    if is_locked_out(request, username):
        raise LockedOut
    code = code_normalize(code)
    devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    if code.isdigit():
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)) + devices
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    failure_record(request, username)
    audit_record(Kind.SIGN_IN_FAILED, user=user, detail="wrong second-factor code", request=request)
    return None


def device_kind(device):
    if isinstance(device, TOTPDevice):
        return "authenticator app"
    if isinstance(device, StaticDevice):
        return "recovery code"
    return "passkey"


def session_verify(request, device, *, signing_in=None):
    """Record that this session gave its second factor now with `device`.

    The first time (`signing_in`) it completes the sign-in: a new session key, the failures of the
    account forgotten, the sign-in logged. Later calls only renew the factor's freshness.
    """
    user = request.user
    if signing_in is None:
        signing_in = not user.is_verified()
    otp_login(request, device)
    request.session[VERIFIED_AT_KEY] = time.time()
    failures_clear(request, user.get_username())
    if signing_in:
        session_key_renew(request)
        detail = device_kind(device)
        if isinstance(device, StaticDevice):
            detail += f" ({device.token_set.count()} left)"
        audit_record(Kind.SIGN_IN, user=user, detail=detail, request=request)


def locked_out(request):
    return is_locked_out(request, request.user.get_username())


def code_step(request, form, attempt, *, wrong_message):
    """Run `attempt(code)` with a bound, valid `form`; return (its result, the page's status).

    Nothing is tried while locked (429); a wrong code puts `wrong_message` on the form (400, or 429
    when that failure locked the account or the address).
    """
    if locked_out(request):
        return None, 429
    if not form.is_bound:
        return None, 200
    if not form.is_valid():
        return None, 400
    try:
        result = attempt(form.cleaned_data["code"])
    except LockedOut:
        return None, 429
    if result is None:
        form.add_error("code", wrong_message)
        return None, 429 if locked_out(request) else 400
    return result, 200


def factor_code_step(request, form):
    """`code_step` with a code of one of the user's factors (an app's code or a recovery code)."""
    return code_step(
        request,
        form,
        lambda code: code_verify(request, code),
        wrong_message=_("This code is not right. Type the current code, or a recovery code."),
    )


def lockout_message():
    from guards.lockout import LockoutAuthenticationForm

    minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
    return LockoutAuthenticationForm.error_messages["locked_out"] % {"minutes": minutes}
