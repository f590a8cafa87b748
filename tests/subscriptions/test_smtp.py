"""Real delivery: an SMTP server on loopback (aiosmtpd), started by the test, receives the letters."""

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from subscriptions.models import Delivery, Subscriber
from subscriptions.sending import announcement_send
from subscriptions.services import announcement_create
from tests.factories import make_article, make_issue, make_subscriber

pytestmark = pytest.mark.django_db
REFUSED = "nobody@example.org"


class Mailbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address."""

    def __init__(self):
        self.messages, self.sessions = [], []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if session not in self.sessions:
            self.sessions.append(session)
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=email.policy.SMTP))
        )
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    handler, port = Mailbox(), free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    settings.SITE_URL = "https://journal.example.uz"
    yield handler
    server.stop()


def test_announcements_arrive_over_smtp_multipart_with_one_click_unsubscribe_headers(mailbox, client):
    issue = make_issue(theme="Suv", theme_ru="Вода")
    make_article(issue=issue, title="Rivers and borders", slug="rivers")
    readers = [make_subscriber(language="ru"), make_subscriber(language="uz"), make_subscriber(language="en")]
    make_subscriber(email=REFUSED)

    report = announcement_send(
        announcement=announcement_create(issue=issue), rate=0, batch_size=2, max_attempts=1
    )

    assert (report.sent, report.failed) == (3, 1)
    assert sorted(to for tos, _ in mailbox.messages for to in tos) == sorted(r.email for r in readers)
    assert len(mailbox.sessions) == 2  # one SMTP session per batch of two, not one per letter
    refused = Delivery.objects.get(subscriber__email=REFUSED)
    assert refused.status == "failed" and "550" in refused.last_error

    [(_, message)] = [(tos, m) for tos, m in mailbox.messages if tos == [readers[0].email]]
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Вода" in str(message["Subject"]) and "Вода" in parts["text/html"]
    assert "https://journal.example.uz/ru/articles/rivers/" in parts["text/plain"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.match(
        r"<(https://journal\.example\.uz/ru/unsubscribe/[^>]+/)>", str(message["List-Unsubscribe"])
    )[1]

    path = url.removeprefix("https://journal.example.uz")
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(pk=readers[0].pk).status == Subscriber.Status.UNSUBSCRIBED


def test_the_confirmation_letter_arrives_over_smtp(mailbox, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/subscribe/", {"email": "Reader@Example.ORG", "language": "en"})
    [(tos, message)] = mailbox.messages
    assert tos == ["Reader@example.org"]
    assert message.get_content_type() == "multipart/alternative"
    assert "https://journal.example.uz/en/subscribe/confirm/" in message.get_body(("plain",)).get_content()
