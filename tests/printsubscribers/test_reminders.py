"""The renewal reminders: 30 and 7 days before the end, once each, in the reader's language."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from outbox.models import Letter
from printsubscribers.letters import reminders_send
from printsubscribers.services import subscription_link
from tests.factories import make_reader, make_subscription

pytestmark = pytest.mark.django_db


def ending_in(days, **overrides):
    today = timezone.localdate()
    return make_subscription(
        starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=days), **overrides
    )


def run(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("printsubs_remind", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_command_run_twice_sends_each_letter_once(mailoutbox, django_capture_on_commit_callbacks):
    thirty = ending_in(30, email="thirty@example.uz")
    seven = ending_in(7, email="seven@example.uz")
    ending_in(45, email="later@example.uz")
    ending_in(-1, email="over@example.uz")
    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["seven@example.uz", "thirty@example.uz"]
    thirty.refresh_from_db()
    seven.refresh_from_db()
    assert thirty.reminded_30_at is not None and thirty.reminded_7_at is None
    assert seven.reminded_7_at is not None
    assert Letter.objects.filter(kind=Letter.Kind.REMINDER).count() == 2
    assert "renew" in mailoutbox[0].body.lower()


def test_the_seven_day_letter_follows_the_thirty_day_one(mailoutbox, django_capture_on_commit_callbacks):
    subscription = ending_in(30, email="reader@example.uz")
    run(django_capture_on_commit_callbacks)
    later = timezone.localdate() + timedelta(days=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=later) == 1
        assert reminders_send(today=later) == 0
    assert len(mailoutbox) == 2
    subscription.refresh_from_db()
    assert subscription.reminded_7_at is not None


def test_a_linked_reader_gets_the_letter_in_their_language_at_their_address(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PRINTSUBS_RENEW_URL = "https://shop.example.uz/renew"
    reader = make_reader(email="olga@example.ru", language="ru")
    subscription = ending_in(7, email="old@example.ru")
    subscription_link(subscription=subscription, reader=reader)
    run(django_capture_on_commit_callbacks)
    (letter,) = mailoutbox
    assert letter.to == ["olga@example.ru"]
    with translation.override("ru"):
        assert letter.subject == translation.ngettext(
            "Your print subscription ends in %(days)s day", "Your print subscription ends in %(days)s days", 7
        ) % {"days": 7}
    assert "https://shop.example.uz/renew" in letter.body and subscription.number in letter.body


def test_the_renewal_link_defaults_to_the_contacts_page(mailoutbox, django_capture_on_commit_callbacks):
    ending_in(7, email="reader@example.uz")
    run(django_capture_on_commit_callbacks)
    assert "/uz/contacts/" in mailoutbox[0].body or "/en/contacts/" in mailoutbox[0].body


def test_a_subscription_without_an_address_is_marked_and_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    subscription = ending_in(7)
    run(django_capture_on_commit_callbacks)
    assert mailoutbox == []
    subscription.refresh_from_db()
    assert subscription.reminded_7_at is not None
