"""Queuing letters. Every letter the site sends goes through `letter_send`; the worker delivers it."""

from collections.abc import Sequence
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import Letter
from .tasks import letter_deliver, letter_delivery


def letter_send(
    *,
    to: str | Sequence[str],
    subject: str,
    body: str,
    html: str = "",
    kind: str,
    language: str = "",
    about=None,
    key: str | None = None,
    headers: dict | None = None,
) -> Letter:
    """Queue a letter and return it; it is sent by a worker after the caller's transaction commits.

    The row is written in the caller's transaction, so a rolled-back request leaves no letter. With
    `key`, queuing the same key again returns the letter already queued and sends nothing more.
    `about` (any saved object) shows the letter on that object's admin page. `to` is one address or a
    list (one letter to all of them).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("A letter needs at least one recipient.")
    # An address the mail server refuses is not checked here: the letter fails visibly, the caller's
    # request (a comment, a subscription) is never broken by a bad address in the settings.
    fields = {
        "to": ", ".join(recipients),
        "subject": " ".join(subject.split())[:998],  # one header line, whatever the template held
        "body": body,
        "html": html,
        "kind": kind,
        "language": language,
        "headers": {name: str(value) for name, value in (headers or {}).items()},
        "key": key or None,
    }
    if about is not None:
        fields |= {"content_type": ContentType.objects.get_for_model(about), "object_id": about.pk}
    if key and (existing := Letter.objects.filter(key=key).first()):
        return existing
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same key is absorbed
            letter = Letter.objects.create(**fields)
    except IntegrityError:
        if not key:
            raise
        return Letter.objects.get(key=key)
    transaction.on_commit(partial(letter_deliver.enqueue, letter.pk), robust=True)
    return letter


def letters_forget(*, to: str) -> int:
    """Delete every letter to the one address `to` (its owner deleted their account); return how many.

    A letter still queued is not sent: its delivery task finds nothing to claim.
    """
    return Letter.objects.filter(to__iexact=to).delete()[0]


def letters_retry(*, letters) -> int:
    """Queue `letters` again now, with a fresh set of attempts; return how many. Sent ones are left alone.

    A letter being sent is left alone too, unless its claim ran out (its worker was killed).
    """
    return letter_delivery.retry(letters)


def letters_overdue(now=None):
    """Unsent letters whose delivery task may be lost: queued or claimed too long ago, or a retry overdue."""
    return letter_delivery.overdue(now)


def letters_recover(now=None) -> int:
    """Queue a delivery task for every overdue letter (a duplicate task is harmless); return how many."""
    return letter_delivery.recover(now)
