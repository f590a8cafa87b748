"""Signed links in letters: one salt per purpose, so a token made for one purpose is useless for another.

A token carries the subscriber's pk and email: it works only for that row *and* that address.
Confirmation tokens expire (SUBSCRIPTIONS_CONFIRM_MAX_AGE); unsubscribe tokens do not, because a
letter kept for years must still let its reader leave.
"""

from django.core import signing

CONFIRM_SALT = "subscriptions.confirm"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"


def _make(subscriber, salt):
    return signing.dumps([subscriber.pk, subscriber.email], salt=salt)


def _read(token, salt, max_age=None):
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    match value:
        case [int() as pk, str() as email]:
            return pk, email
    return None


def confirm_token_make(subscriber):
    return _make(subscriber, CONFIRM_SALT)


def confirm_token_read(token, *, max_age):
    """Return (pk, email), or None if the token is forged, altered, expired or made for another purpose."""
    return _read(token, CONFIRM_SALT, max_age)


def unsubscribe_token_make(subscriber):
    return _make(subscriber, UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token):
    """Return (pk, email), or None if the token is forged, altered or made for another purpose."""
    return _read(token, UNSUBSCRIBE_SALT)
