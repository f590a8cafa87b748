"""Letters leave through the queue: a visitor's answer never waits on the mail server."""

import pytest

from outbox.models import Letter
from subscriptions.models import Delivery
from tests.factories import make_announcement, make_subscriber
from tests.outbox.helpers import SlowMailbox, SmtpServer

pytestmark = pytest.mark.django_db


def test_the_subscribe_answer_comes_while_the_mail_server_is_still_blocked(
    client, settings, task_queue, django_capture_on_commit_callbacks
):
    mailbox = SlowMailbox()
    with SmtpServer(mailbox) as server:
        settings.MAILERS = {"default": server.mailer()}
        mailbox.gate.clear()  # every letter would wait at the server until the gate opens
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/en/subscribe/", {"email": "reader@example.org", "language": "ru"})
        assert response.status_code == 302 and response["Location"] == "/en/subscribe/check-inbox/"
        assert not mailbox.waiting.is_set() and mailbox.messages == []  # the request never talked to it
        letter = Letter.objects.get()
        assert (letter.status, letter.kind, letter.language) == ("queued", "confirmation", "ru")

        mailbox.gate.set()
        task_queue.run()
    assert mailbox.recipients() == ["reader@example.org"]
    [(_, message)] = mailbox.messages
    assert "/ru/subscribe/confirm/" in message.get_body(("plain",)).get_content()
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.about.email == "reader@example.org"


def test_send_now_queues_the_announcement_and_the_worker_sends_it(
    editor_client, settings, task_queue, mailoutbox
):
    settings.SUBSCRIPTIONS_SEND_RATE = 0
    announcement = make_announcement()
    make_subscriber(), make_subscriber()
    response = editor_client.post(
        "/admin/subscriptions/announcement/",
        {"action": "send_now", "_selected_action": [announcement.pk]},
        follow=True,
    )
    assert "sending has started in the background" in response.content.decode()
    assert mailoutbox == []  # nothing sent inside the editor's request
    assert task_queue.run() == 1
    assert len(mailoutbox) == 2 and Delivery.objects.filter(status="sent").count() == 2


def test_a_long_announcement_goes_on_in_a_next_task(settings, task_queue, mailoutbox):
    from subscriptions.tasks import announcement_deliver

    settings.SUBSCRIPTIONS_SEND_RATE, settings.SUBSCRIPTIONS_TASK_SECONDS = 0, 1e-9  # one letter per run
    announcement = make_announcement()
    for _ in range(3):
        make_subscriber()
    announcement_deliver.enqueue(announcement.pk)
    assert task_queue.run() == 3
    assert len(mailoutbox) == 3 and Delivery.objects.filter(status="sent").count() == 3


def test_send_now_says_so_when_the_task_failed_at_once(editor_client, monkeypatch):
    """Under a backend that runs tasks at once (the tests' default) a crash is reported, not hidden."""
    from subscriptions import tasks

    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "announcement_send", crash)
    announcement = make_announcement()
    response = editor_client.post(
        "/admin/subscriptions/announcement/",
        {"action": "send_now", "_selected_action": [announcement.pk]},
        follow=True,
    )
    message = f"Issue {announcement.issue.label}: sending failed; see the task list."
    assert message in response.content.decode()
