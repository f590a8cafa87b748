"""announcement_send: confirmed subscribers only, once each, resumable, bounded retries of failures."""

import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from subscriptions import sending, services
from subscriptions.models import Delivery, Subscriber
from subscriptions.sending import announcement_send
from subscriptions.services import announcement_create
from tests.factories import make_announcement, make_issue, make_subscriber
from tests.subscriptions.helpers import Crash, CrashingBackend, RefusingBackend, use_backend

pytestmark = pytest.mark.django_db
Status = Subscriber.Status


@pytest.fixture
def announcement():
    return announcement_create(issue=make_issue())


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def send(announcement, **options):
    return announcement_send(announcement=announcement, **{"rate": 0, "batch_size": 3} | options)


def test_only_confirmed_subscribers_receive_the_announcement(announcement, mailoutbox):
    confirmed = [make_subscriber() for _ in range(4)]
    make_subscriber(status=Status.PENDING)
    make_subscriber(status=Status.UNSUBSCRIBED)
    report = send(announcement)
    assert recipients() == sorted(s.email for s in confirmed)
    assert (report.sent, report.failed, report.remaining, report.stopped) == (4, 0, 0, "")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    announcement.refresh_from_db()
    assert announcement.started_at and announcement.finished_at


def test_a_second_run_sends_nothing_again(announcement, mailoutbox):
    for _ in range(5):
        make_subscriber()
    send(announcement)
    report = send(announcement)
    assert len(mailoutbox) == 5
    assert (report.sent, report.remaining) == (0, 0)


def test_a_rerun_sends_to_subscribers_confirmed_since(announcement, mailoutbox):
    make_subscriber()
    send(announcement)
    late = make_subscriber()
    send(announcement)
    assert recipients().count(late.email) == 1 and len(mailoutbox) == 2


def test_a_subscriber_who_unsubscribes_during_the_run_receives_nothing_more(
    announcement, mailoutbox, monkeypatch
):
    subscribers = [make_subscriber(), make_subscriber()]
    real_letter, letters_built = sending.AnnouncementLetters.letter, []

    def letter_then_the_other_unsubscribes(self, subscriber):
        if not letters_built:
            [other] = [s for s in subscribers if s != subscriber]
            services.subscriber_unsubscribe(subscriber=other)
        letters_built.append(subscriber)
        return real_letter(self, subscriber)

    monkeypatch.setattr(sending.AnnouncementLetters, "letter", letter_then_the_other_unsubscribes)
    report = send(announcement, batch_size=10)
    assert recipients() == [letters_built[0].email]
    assert (report.sent, report.remaining) == (1, 0)


def test_an_address_refused_by_the_server_is_retried_a_bounded_number_of_times_and_reported(
    announcement, settings
):
    use_backend(settings, RefusingBackend)
    good, bad = make_subscriber(), make_subscriber()
    RefusingBackend.refused = {bad.email}
    calls = []
    report = send(announcement, max_attempts=3, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4) and all(done <= total for done, total in calls)  # 2 letters, 2 retries
    delivery = Delivery.objects.get(subscriber=bad)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "550" in delivery.last_error
    assert (report.sent, report.failed, report.remaining) == (1, 3, 0)
    assert recipients() == [good.email]
    assert send(announcement, max_attempts=3).failed == 0  # given up: not tried again


def test_a_failed_address_succeeds_on_a_later_attempt(announcement, settings):
    use_backend(settings, RefusingBackend)
    subscriber = make_subscriber()
    RefusingBackend.refused = {subscriber.email}
    send(announcement, max_attempts=1)
    RefusingBackend.refused = set()
    report = send(announcement, max_attempts=2)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error, report.sent) == ("sent", 2, "", 1)


def test_a_run_stops_when_the_mail_server_fails_letter_after_letter(announcement, settings, monkeypatch):
    monkeypatch.setattr(sending, "STOP_AFTER_FAILURES_IN_A_ROW", 3)
    use_backend(settings, RefusingBackend)
    RefusingBackend.refused = {make_subscriber().email for _ in range(6)}
    report = send(announcement)
    assert (report.failed, report.stopped, report.remaining) == (3, "failures", 6)
    assert Delivery.objects.filter(attempts=0).count() == 3  # not burnt by a server outage


def test_a_crash_mid_run_is_resumed_without_sending_anyone_a_second_letter(announcement, settings):
    use_backend(settings, CrashingBackend)
    subscribers = [make_subscriber() for _ in range(10)]
    CrashingBackend.sent, CrashingBackend.crash_after = 0, 4
    with pytest.raises(Crash):
        send(announcement)
    assert Delivery.objects.filter(status="sent").count() == 4
    CrashingBackend.crash_after = None
    send(announcement)
    assert recipients() == sorted(s.email for s in subscribers)


def test_a_run_with_a_time_limit_stops_and_the_next_one_goes_on(announcement, mailoutbox):
    for _ in range(3):
        make_subscriber()
    report = send(announcement, time_limit=1e-9)
    assert (report.sent, report.remaining, report.stopped) == (1, 2, "time limit")
    assert send(announcement).sent == 2 and len(mailoutbox) == 3


def test_sending_is_throttled_to_the_configured_rate(announcement, mailoutbox):
    for _ in range(5):
        make_subscriber()
    started = time.monotonic()
    send(announcement, rate=20)  # 5 letters, 1/20 s apart: at least 4 gaps of 0.05 s
    assert time.monotonic() - started >= 0.2
    assert len(mailoutbox) == 5


def test_no_transaction_spans_the_run(announcement, mailoutbox):
    """Between two letters the run holds no transaction or savepoint of its own (beyond the test's)."""
    for _ in range(3):
        make_subscriber()
    connection = transaction.get_connection()
    baseline = list(connection.savepoint_ids)
    between_letters = []
    send(announcement, progress=lambda done, total: between_letters.append(list(connection.savepoint_ids)))
    assert between_letters == [baseline] * 3


def test_progress_is_reported_after_each_letter(announcement, mailoutbox):
    for _ in range(3):
        make_subscriber()
    calls = []
    send(announcement, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_an_unpublished_issue_cannot_be_announced_or_sent(mailoutbox):
    with pytest.raises(ValidationError):
        announcement_create(issue=make_issue(is_published=False))
    announcement = make_announcement(issue=make_issue(is_published=False))
    make_subscriber()
    with pytest.raises(ValidationError):
        send(announcement)
    assert mailoutbox == []
