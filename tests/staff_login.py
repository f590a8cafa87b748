"""Signing staff in during tests, with the second factor that every staff sign-in needs.

THE RULE FOR TESTS (STAFF_2FA_REQUIRED is on in the suite, as in production):

- Request tests: `client.force_login(user)`, `client.login(...)`, `admin_client` and `editor_client`
  keep working unchanged. tests/conftest.py makes every staff login of Django's test client come out
  as a session that has given its second factor just now (a TOTP device named "test" is created for
  the user if they have none). Tests of the second factor itself use `force_login_unverified`.
- Browser tests: sign in through the admin with `admin_sign_in(page, user, password)` from
  tests/browser/helpers.py, which fills the password form and then types the code of the user's
  authenticator (made here if missing) on the second-factor page.
"""

import time

from django.contrib.auth import get_user_model
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.sessions import LAST_SEEN_KEY
from staff.twofactor import VERIFIED_AT_KEY, second_factor_required

_force_login = ClientMixin.force_login
_login = ClientMixin.login


def authenticator_for(user):
    """The user's confirmed TOTP device, made (named "test") when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device, *, at=None):
    """The code `device` accepts next: the current step, or the one after the last used (the app's
    clock a step ahead, which django-otp tolerates), so two sign-ins in one step both work."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def session_verified(client, user):
    """Mark the client's session as having given `user`'s second factor just now."""
    device = authenticator_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_KEY] = session[LAST_SEEN_KEY] = time.time()
    session.save()


def force_login_verified(client, user, backend=None):
    if second_factor_required(user):
        authenticator_for(user)  # before the login: adding a factor ends the user's other sessions
    _force_login(client, user, backend)
    if second_factor_required(user):
        session_verified(client, user)


def login_verified(client, **credentials):
    if not _login(client, **credentials):
        return False
    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    if second_factor_required(user):
        session_verified(client, user)
    return True


def force_login_unverified(client, user):
    """Django's own force_login: a password-only session, as after the first step of a sign-in."""
    _force_login(client, user)
