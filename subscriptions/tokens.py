"""Signed links in letters: one salt per purpose, so a token made for one purpose is useless for another.

A token carries the subscriber's pk and email: it works only for that row *and* that address.
Confirmation tokens expire (SUBSCRIPTIONS_CONFIRM_MAX_AGE); unsubscribe tokens do not, because a
letter kept for years must still let its reader leave.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from .models import Subscriber

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def _make(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps([subscriber.pk, subscriber.email], salt=salt)


def _read(token: str, salt: str, max_age: int | timedelta | None = None) -> tuple[int, str] | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    match value:
        case [int() as pk, str() as email]:
            return pk, email
    return None


def confirm_token_make(subscriber: Subscriber) -> str:
    return _make(subscriber, CONFIRM_SALT)


def confirm_token_read(token: str, *, max_age: int | timedelta) -> tuple[int, str] | None:
    """Return (pk, email), or None if the token is forged, altered, expired or made for another purpose."""
    return _read(token, CONFIRM_SALT, max_age)


def unsubscribe_token_make(subscriber: Subscriber) -> str:
    return _make(subscriber, UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """Return (pk, email), or None if the token is forged, altered or made for another purpose."""
    return _read(token, UNSUBSCRIBE_SALT)
