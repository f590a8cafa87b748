"""The acceptance run: 5 000 subscribers, a crash after 1 000 letters, a rerun; one letter each."""

import time
from collections import Counter

import pytest
from django.core import mail

from subscriptions.models import Delivery, Subscriber
from subscriptions.sending import announcement_send
from subscriptions.services import announcement_create
from tests.factories import make_article, make_issue, make_section
from tests.subscriptions.helpers import Crash, CrashingBackend, use_backend

pytestmark = pytest.mark.django_db
COUNT, CRASH_AFTER = 5000, 1000


def test_5000_subscribers_interrupted_after_1000_and_resumed_get_exactly_one_letter_each(settings, capsys):
    issue = make_issue(theme="Benchmark")
    section = make_section()
    for _ in range(12):
        make_article(issue=issue, section=section)
    languages = [code for code, _ in settings.LANGUAGES]
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{n}@example.org", language=languages[n % 3], status=Subscriber.Status.CONFIRMED
        )
        for n in range(COUNT)
    )
    announcement = announcement_create(issue=issue)
    use_backend(settings, CrashingBackend)
    CrashingBackend.sent, CrashingBackend.crash_after = 0, CRASH_AFTER
    mail.outbox = []

    started = time.monotonic()
    with pytest.raises(Crash):
        announcement_send(announcement=announcement, rate=0, batch_size=100)
    crashed_at = time.monotonic()
    assert len(mail.outbox) == CRASH_AFTER
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == CRASH_AFTER

    CrashingBackend.crash_after = None
    report = announcement_send(announcement=announcement, rate=0, batch_size=100)
    finished = time.monotonic()

    received = Counter(address for message in mail.outbox for address in message.to)
    assert len(received) == COUNT and set(received.values()) == {1}
    assert (report.sent, report.failed, report.remaining) == (COUNT - CRASH_AFTER, 0, 0)
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == COUNT
    with capsys.disabled():
        print(
            f"\n{COUNT} subscribers: {crashed_at - started:.1f} s until the crash after {CRASH_AFTER}, "
            f"rerun {finished - crashed_at:.1f} s for {report.sent}; {finished - started:.1f} s in all."
        )
