"""Signing in by letter: a single-use link and a 6-digit code, stored only as digests.

A letter goes to any valid address, known or not (the first sign-in creates the reader), so the
answer and the work behind it are the same for both. A link works for READERS_SIGN_IN_MINUTES;
an address keeps at most READERS_SIGN_IN_LIVE_LETTERS live letters (the oldest end first). A code
is checked against the newest letter only, and READERS_CODE_FAILURES wrong codes lock code sign-in
for that address for READERS_CODE_LOCK_SECONDS: a code can be guessed at most that many times.
Signing in by either ends every live letter of the address.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .letters import sign_in_letter_send
from .models import Reader, SignInToken
from .services import reader_get_or_create
from .signals import reader_signed_in

CODE_SALT = "readers.sign-in-code"


def link_digest(link):
    """The stored form of a link's token: 256 random bits need no key, only a one-way hash."""
    return hashlib.sha256(link.encode()).hexdigest()


def code_digest(link_digest_, code):
    """The stored form of a code: keyed (SECRET_KEY) and tied to its letter, since a million codes
    could otherwise be tried against a leaked digest."""
    return salted_hmac(CODE_SALT, f"{link_digest_}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def sign_in_request(*, email: str, language: str, next_path: str = "", now=None) -> SignInToken:
    """Write a sign-in letter for normalized `email` and queue it (sent after the commit).

    Expired tokens of every address are deleted on the way, and the address's older letters beyond
    the newest READERS_SIGN_IN_LIVE_LETTERS end.
    """
    now = now or timezone.now()
    SignInToken.objects.filter(expires_at__lte=now).delete()
    link, code = secrets.token_urlsafe(32), f"{secrets.randbelow(10**6):06d}"
    digest = link_digest(link)
    token = SignInToken.objects.create(
        email=email,
        link_digest=digest,
        code_digest=code_digest(digest, code),
        language=language,
        next_path=next_path,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.READERS_SIGN_IN_MINUTES),
    )
    live = SignInToken.objects.filter(email=email)
    newest = list(live.values_list("pk", flat=True)[: settings.READERS_SIGN_IN_LIVE_LETTERS])
    live.exclude(pk__in=newest).delete()
    sign_in_letter_send(token=token, link=link, code=code)
    return token


def token_for_link(link, now=None):
    """The live token of a letter's link, or None (expired, used, altered, or not a sign-in link)."""
    if not link or len(link) > 100:
        return None
    digest = link_digest(link)
    token = SignInToken.objects.filter(link_digest=digest, expires_at__gt=now or timezone.now()).first()
    if token is None or not constant_time_compare(token.link_digest, digest):
        return None
    return token


def token_for_code(email, code, now=None):
    """The newest live token of `email` if `code` is its code, else None (counted as a failure)."""
    token = (
        SignInToken.objects.filter(email=email, expires_at__gt=now or timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )
    expected = token.code_digest if token else ""
    given = code_digest(token.link_digest if token else "", code)
    if token is None or not constant_time_compare(expected, given):
        code_failure_record(email)
        return None
    cache.delete(_failures_key(email))
    return token


def _failures_key(email):
    return f"readers:code-failures:{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def _lock_key(email):
    return f"readers:code-lock:{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def code_locked(email):
    """True while code sign-in is locked for `email` (too many wrong codes)."""
    return cache.get(_lock_key(email)) is not None


def code_failure_record(email):
    """Count a wrong code for `email`; the READERS_CODE_FAILURES-th within the lock time locks it."""
    key, seconds = _failures_key(email), settings.READERS_CODE_LOCK_SECONDS
    cache.add(key, 0, timeout=seconds)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        failures = 1
    if failures >= settings.READERS_CODE_FAILURES:
        cache.set(_lock_key(email), 1, timeout=seconds)
        cache.delete(key)


@transaction.atomic
def sign_in_redeem(*, token: SignInToken, now=None):
    """Use `token` once: end every live letter of its address, and return (reader, created), the
    reader made on a first sign-in; None if another request used the token a moment before."""
    now = now or timezone.now()
    if not SignInToken.objects.filter(pk=token.pk).delete()[0]:
        return None
    SignInToken.objects.filter(email=token.email).delete()
    reader, created = reader_get_or_create(email=token.email, language=token.language)
    Reader.objects.filter(pk=reader.pk).update(
        verified_at=Coalesce("verified_at", now), last_sign_in_at=now, updated_at=now
    )
    reader.verified_at, reader.last_sign_in_at = reader.verified_at or now, now
    reader_signed_in.send(sender=Reader, reader=reader, created=created)
    return reader, created
