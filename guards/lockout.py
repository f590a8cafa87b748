"""Brute-force protection for the admin login: failures are counted per IP and per username.

Wrong passwords and wrong second-factor codes share these counters (staff/twofactor.py records its
failures here), so a locked account or address can try neither.
"""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from guards.ratelimit import client_ip

# Sent once when a failure brings a counter to its limit: kind ("ip" or "user"), request, username.
lockout_started = Signal()


def _key(kind, value):
    return f"lockout:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _keys(request, username):
    return [
        (_key("ip", client_ip(request)), settings.LOGIN_FAILURES_PER_IP),
        (_key("user", (username or "").strip().lower()), settings.LOGIN_FAILURES_PER_USER),
    ]


def is_locked_out(request, username):
    counts = cache.get_many([key for key, _ in _keys(request, username)])
    return any(counts.get(key, 0) >= limit for key, limit in _keys(request, username))


def failure_record(request, username):
    """Count one failed password or code for the client's address and for `username`."""
    for kind, (key, limit) in zip(("ip", "user"), _keys(request, username), strict=True):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
            count = 1
        if count == limit:
            lockout_started.send(sender=failure_record, kind=kind, request=request, username=username)


def failures_clear(request, username):
    cache.delete(_key("user", (username or "").strip().lower()))


class LockoutAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing to even try a password while the IP or the username is locked."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": _(
            "Too many failed attempts. Sign-in is locked for %(minutes)d minutes for this account or "
            "address; wait, or ask another administrator to help."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if self.request is not None and is_locked_out(self.request, username):
            self.locked_out = True
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                self.error_messages["locked_out"], code="locked_out", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.request is not None:
                failure_record(self.request, username)
            raise
        self.password_accepted(username)
        return cleaned

    def password_accepted(self, username):
        """The password was right: forget the user's failures (a second factor may still follow)."""
        failures_clear(self.request, username)
