from datetime import timedelta

import pytest
from django.core import signing

from subscriptions import tokens
from subscriptions.tokens import (
    confirm_token_make,
    confirm_token_read,
    unsubscribe_token_make,
    unsubscribe_token_read,
)
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db
WEEK = int(timedelta(days=7).total_seconds())


def test_a_confirm_token_names_its_subscriber_and_address():
    subscriber = make_subscriber()
    assert confirm_token_read(confirm_token_make(subscriber), max_age=WEEK) == (
        subscriber.pk,
        subscriber.email,
    )


def test_an_unsubscribe_token_names_its_subscriber_and_address():
    subscriber = make_subscriber()
    assert unsubscribe_token_read(unsubscribe_token_make(subscriber)) == (subscriber.pk, subscriber.email)


def test_a_confirm_token_cannot_unsubscribe_and_an_unsubscribe_token_cannot_confirm():
    subscriber = make_subscriber()
    assert unsubscribe_token_read(confirm_token_make(subscriber)) is None
    assert confirm_token_read(unsubscribe_token_make(subscriber), max_age=WEEK) is None


def test_an_expired_confirm_token_is_refused(monkeypatch):
    token = confirm_token_make(make_subscriber())
    later = signing.time.time() + WEEK + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert confirm_token_read(token, max_age=WEEK) is None


def test_an_unsubscribe_token_does_not_expire(monkeypatch):
    subscriber = make_subscriber()
    token = unsubscribe_token_make(subscriber)
    years_later = signing.time.time() + 10 * 365 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: years_later)
    assert unsubscribe_token_read(token) == (subscriber.pk, subscriber.email)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # altered signature
        lambda t: "x" + t[1:],  # altered payload
        lambda t: t.split(":")[0],  # signature cut off
        lambda t: "",
        lambda t: "not-a-token",
        lambda t: t + t,
    ],
)
def test_altered_tokens_are_refused(mangle):
    subscriber = make_subscriber()
    assert unsubscribe_token_read(mangle(unsubscribe_token_make(subscriber))) is None
    assert confirm_token_read(mangle(confirm_token_make(subscriber)), max_age=WEEK) is None


def test_a_token_signed_with_the_right_salt_but_a_strange_payload_is_refused():
    forged = signing.dumps({"pk": 1}, salt=tokens.UNSUBSCRIBE_SALT)
    assert unsubscribe_token_read(forged) is None
