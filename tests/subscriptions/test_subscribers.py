"""The subscriber services: double opt-in, throttled confirmations, final unsubscribe."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from subscriptions.models import Delivery, Subscriber, SubscriberQuerySet
from subscriptions.services import subscriber_confirm, subscriber_subscribe, subscriber_unsubscribe
from tests.factories import make_announcement, make_delivery, make_subscriber

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def subscribe(django_capture_on_commit_callbacks):
    """subscriber_subscribe, with the letters it queues on commit really sent."""

    def run(email, language="uz"):
        with django_capture_on_commit_callbacks(execute=True):
            return subscriber_subscribe(email=email, language=language)

    return run


def test_a_new_address_is_pending_and_gets_one_confirmation_letter(subscribe, mailoutbox):
    subscriber = subscribe("  Reader@Example.ORG ", "ru")
    assert (subscriber.email, subscriber.language, subscriber.status) == (
        "Reader@example.org",
        "ru",
        "pending",
    )
    assert subscriber.last_confirmation_sent_at is not None
    assert [message.to for message in mailoutbox] == [["Reader@example.org"]]


def test_the_confirmation_letter_is_sent_only_after_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        subscriber_subscribe(email="reader@example.org", language="uz")
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_subscribing_twice_never_creates_a_duplicate(subscribe):
    subscribe("reader@example.org")
    subscribe("READER@EXAMPLE.ORG")
    subscribe(" Reader@Example.Org ")
    assert Subscriber.objects.count() == 1


def test_a_pending_address_asking_again_gets_at_most_one_letter_an_hour(subscribe, mailoutbox):
    subscriber = subscribe("reader@example.org")
    subscribe("reader@example.org")
    subscribe("reader@example.org")
    assert len(mailoutbox) == 1
    Subscriber.objects.filter(pk=subscriber.pk).update(
        last_confirmation_sent_at=timezone.now() - timedelta(hours=1, seconds=1)
    )
    subscribe("reader@example.org", "en")
    subscribe("reader@example.org", "en")
    assert len(mailoutbox) == 2
    assert Subscriber.objects.get().language == "en"


def test_a_confirmed_address_gets_no_letter_and_keeps_its_language(subscribe, mailoutbox):
    make_subscriber(email="reader@example.org", language="ru")
    subscribe("reader@example.org", "en")
    assert mailoutbox == []
    assert Subscriber.objects.get().language == "ru"


def test_an_unsubscribed_address_subscribing_again_starts_over_as_pending(subscribe, mailoutbox):
    make_subscriber(email="reader@example.org", status=Status.UNSUBSCRIBED)
    subscriber = subscribe("reader@example.org", "en")
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.language) == ("pending", "en")
    assert len(mailoutbox) == 1


def test_a_mail_server_failure_on_the_confirmation_letter_does_not_reach_the_visitor(subscribe, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    subscriber = subscribe("reader@example.org")  # port 9 refuses: logged, not raised
    assert subscriber.status == Status.PENDING


def test_a_concurrent_insert_of_the_same_address_is_absorbed(subscribe, mailoutbox, monkeypatch):
    """Another request inserts the address between our lookup and our insert: no duplicate, no error."""
    other = make_subscriber(email="reader@example.org", status=Status.PENDING)
    Subscriber.objects.filter(pk=other.pk).update(last_confirmation_sent_at=timezone.now())
    real_with_email, calls = SubscriberQuerySet.with_email, []

    def misses_the_first_time(self, email):
        calls.append(email)
        if len(calls) == 1:
            return self.none()  # as if the other request had not committed yet
        return real_with_email(self, email)

    monkeypatch.setattr(SubscriberQuerySet, "with_email", misses_the_first_time)
    subscriber = subscribe("Reader@example.org")
    assert len(calls) == 2  # the insert hit the unique constraint, and the lookup was retried
    assert subscriber.pk == other.pk
    assert Subscriber.objects.count() == 1
    assert mailoutbox == []  # the other request's letter went out within the hour: none from ours


def test_the_database_refuses_two_rows_for_one_address_whatever_the_case():
    make_subscriber(email="reader@example.org")
    with pytest.raises(IntegrityError):
        make_subscriber(email="READER@example.org")


def test_confirming_a_pending_subscriber_confirms_and_repeating_it_changes_nothing():
    subscriber = make_subscriber(status=Status.PENDING)
    assert subscriber_confirm(subscriber=subscriber) is True
    confirmed_at = subscriber.confirmed_at
    assert subscriber_confirm(subscriber=subscriber) is True
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.confirmed_at) == ("confirmed", confirmed_at)


def test_an_unsubscribed_subscriber_cannot_be_confirmed_by_an_old_link():
    subscriber = make_subscriber(status=Status.UNSUBSCRIBED)
    assert subscriber_confirm(subscriber=subscriber) is False
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


def test_unsubscribing_is_immediate_and_drops_queued_letters_but_keeps_failures():
    subscriber = make_subscriber()
    queued = make_announcement()
    failed = make_announcement()
    make_delivery(announcement=queued, subscriber=subscriber)
    make_delivery(announcement=failed, subscriber=subscriber, status="failed", attempts=1)
    subscriber_unsubscribe(subscriber=subscriber)
    subscriber_unsubscribe(subscriber=subscriber)
    assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed_at
    assert list(Delivery.objects.values_list("status", flat=True)) == ["failed"]
