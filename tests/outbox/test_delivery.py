"""The outbox on the real database queue: retries, backoff, idempotency, a killed worker's letter."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox.models import Letter
from outbox.services import letter_send, letters_recover
from outbox.tasks import letter_deliver
from tests.factories import make_letter
from tests.outbox.helpers import use_flaky_backend

pytestmark = pytest.mark.django_db


def queue_letter(capture, **overrides):
    with capture(execute=True):
        return letter_send(
            **{"to": "reader@example.org", "subject": "Hello", "body": "Text", "kind": "test"} | overrides
        )


@pytest.fixture
def no_backoff(settings):
    settings.OUTBOX_RETRY_SECONDS = 0


def test_a_letter_whose_mailer_fails_twice_then_succeeds_is_sent_once(
    task_queue, settings, mailoutbox, no_backoff, django_capture_on_commit_callbacks
):
    use_flaky_backend(settings, failures=2)
    letter = queue_letter(django_capture_on_commit_callbacks)
    assert mailoutbox == []  # queued, not sent by the caller

    task_queue.run()

    assert [message.to for message in mailoutbox] == [["reader@example.org"]]
    letter.refresh_from_db()
    assert (letter.status, letter.attempts, letter.last_error) == ("sent", 3, "")
    assert letter_deliver.call(letter.pk) == "not due"  # the claim's watchdog, or any rerun: nothing more
    assert len(mailoutbox) == 1


def test_a_failed_letter_is_logged_recorded_and_retried_later_with_backoff(
    task_queue, settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_SECONDS = 60
    use_flaky_backend(settings, failures=1)
    letter = queue_letter(django_capture_on_commit_callbacks, kind="confirmation")
    with caplog.at_level(logging.ERROR, logger="outbox.tasks"):
        assert task_queue.run() == 1
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == ("failed", 1)
    assert "Connection refused by the test's mail server" in letter.last_error
    assert timedelta(seconds=55) < letter.next_attempt_at - timezone.now() <= timedelta(seconds=60)
    [record] = [r for r in caplog.records if r.name == "outbox.tasks"]
    assert f"Letter {letter.pk} (confirmation)" in record.getMessage() and "refused" in record.getMessage()
    assert ("letter_deliver", [letter.pk]) in task_queue.waiting()  # the retry, deferred
    assert mailoutbox == []

    Letter.objects.filter(pk=letter.pk).update(next_attempt_at=timezone.now())  # its time has come
    assert letter_deliver.call(letter.pk) == "sent"
    assert len(mailoutbox) == 1


def test_after_the_last_attempt_a_letter_is_failed_for_good(
    task_queue, settings, mailoutbox, no_backoff, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    use_flaky_backend(settings, failures=10)
    letter = queue_letter(django_capture_on_commit_callbacks)
    task_queue.run()
    letter.refresh_from_db()
    assert (letter.status, letter.attempts, letter.next_attempt_at) == ("failed", 3, None)
    assert letter_deliver.call(letter.pk) == "not due" and mailoutbox == []


def test_a_broken_mail_setup_fails_the_letter_with_its_reason(
    task_queue, settings, caplog, django_capture_on_commit_callbacks
):
    """The bug of issue 13: a file backend without file_path failed every letter, silently."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend"}}
    letter = queue_letter(django_capture_on_commit_callbacks)
    task_queue.run()
    letter.refresh_from_db()
    assert letter.status == "failed"
    assert letter.last_error == "InvalidMailer: MAILERS['default']: OPTIONS must define 'file_path'."
    assert any("InvalidMailer" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_the_same_key_queues_one_letter_and_sends_it_once(
    task_queue, mailoutbox, django_capture_on_commit_callbacks
):
    first = queue_letter(django_capture_on_commit_callbacks, key="confirm:subscriber:12:3")
    again = queue_letter(django_capture_on_commit_callbacks, key="confirm:subscriber:12:3", body="Other")
    other = queue_letter(django_capture_on_commit_callbacks, key="confirm:subscriber:12:4")
    assert again.pk == first.pk and other.pk != first.pk
    task_queue.run()
    assert len(mailoutbox) == 2 and Letter.objects.count() == 2


def test_a_letter_queued_in_a_transaction_that_rolls_back_is_never_sent(task_queue, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        letter_send(to="reader@example.org", subject="Hi", body="Text", kind="test")
        raise RuntimeError("the request failed")
    assert not Letter.objects.exists() and task_queue.run() == 0 and mailoutbox == []


def test_a_letter_left_sending_by_a_killed_worker_is_sent_once_its_claim_runs_out(
    task_queue, settings, mailoutbox, django_capture_on_commit_callbacks
):
    letter = queue_letter(django_capture_on_commit_callbacks)
    claimed_until = timezone.now() + timedelta(seconds=60)
    Letter.objects.filter(pk=letter.pk).update(status="sending", attempts=1, next_attempt_at=claimed_until)
    assert letter_deliver.call(letter.pk) == "not due"  # still claimed by the (dead) worker
    Letter.objects.filter(pk=letter.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert letter_deliver.call(letter.pk) == "sent"
    letter.refresh_from_db()
    assert (letter.status, letter.attempts, len(mailoutbox)) == ("sent", 2, 1)


def test_each_claim_queues_a_watchdog_for_when_the_claim_runs_out(
    task_queue, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_SENDING_TIMEOUT = 300
    letter = queue_letter(django_capture_on_commit_callbacks)
    task_queue.run()
    from django_tasks_db.models import DBTaskResult

    [watchdog] = DBTaskResult.objects.filter(status="READY")
    assert watchdog.args_kwargs["args"] == [letter.pk]
    assert timedelta(seconds=295) < watchdog.run_after - timezone.now() <= timedelta(seconds=301)


def test_recovery_queues_letters_whose_task_was_lost(task_queue, settings, mailoutbox):
    """A web process killed between its commit and the queue write leaves a queued letter without a task."""
    letter = make_letter(to="reader@example.org", subject="Hi", body="Text", kind="test")
    assert letters_recover() == 0  # too recent: its task may simply be waiting
    old = timezone.now() - timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT + 1)
    Letter.objects.filter(pk=letter.pk).update(updated_at=old)
    assert letters_recover() == 1
    task_queue.run()
    assert len(mailoutbox) == 1


def test_a_letter_keeps_its_language_headers_and_html(
    task_queue, mailoutbox, django_capture_on_commit_callbacks
):
    queue_letter(
        django_capture_on_commit_callbacks,
        to=["a@example.org", "b@example.org"],
        subject="Тема\nписьма",
        html="<p>Текст</p>",
        language="ru",
        headers={"List-Unsubscribe": "<https://example.org/u/>"},
    )
    task_queue.run()
    [message] = mailoutbox
    assert message.to == ["a@example.org", "b@example.org"] and message.subject == "Тема письма"
    assert message.alternatives[0].content == "<p>Текст</p>"
    assert message.extra_headers["List-Unsubscribe"] == "<https://example.org/u/>"
    assert Letter.objects.get().language == "ru"
