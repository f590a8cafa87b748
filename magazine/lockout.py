"""Brute-force protection for the admin login: failures are counted per IP and per username."""

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .ratelimit import client_ip


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
    for key, _limit in _keys(request, username):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


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
        failures_clear(self.request, username)
        return cleaned
