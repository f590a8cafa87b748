"""A fake SMTP server on loopback (aiosmtpd) that can hold letters, and mail backends that fail on cue."""

import asyncio
import email
import email.policy
import socket
import threading

from aiosmtpd.controller import Controller
from django.core.mail.backends.locmem import EmailBackend


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowMailbox:
    """Keeps what it receives; while `gate` is closed, every letter waits at RCPT (not yet accepted).

    `waiting` is set as soon as a letter waits, so a test can act at that moment (kill the sender).
    """

    def __init__(self, *, hold_from=0):
        self.messages, self.gate, self.waiting = [], threading.Event(), threading.Event()
        self.hold_from, self.seen = hold_from, 0
        self.gate.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.seen += 1
        if self.seen > self.hold_from:
            while not self.gate.is_set():
                self.waiting.set()
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self):
        return [address for tos, _ in self.messages for address in tos]


class SmtpServer:
    def __init__(self, handler):
        self.handler, self.port = handler, free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.gate.set()
        self.controller.stop()

    def mailer(self):
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }


class FlakyBackend(EmailBackend):
    """The locmem backend (mail.outbox) that raises for its first `failures` letters (over all instances)."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError(111, "Connection refused by the test's mail server")
        return super().send_messages(messages)


def use_flaky_backend(settings, failures):
    FlakyBackend.failures = failures
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
