"""Mail backends that crash or refuse on cue, for the subscriptions tests (the data: tests/factories)."""

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend


class Crash(BaseException):
    """Stands for the process dying (kill, power cut): nothing in the sending code may catch it."""


class CrashingBackend(BaseEmailBackend):
    """Keeps each letter in mail.outbox, and dies after `crash_after` letters (counted over all instances).

    Unlike locmem it does not serialize the letters to MIME (Python's email package takes several
    milliseconds a letter): the 5 000-letter test counts recipients, test_smtp checks the MIME.
    """

    crash_after = None
    sent = 0

    def send_messages(self, messages):
        for message in messages:
            if (
                CrashingBackend.crash_after is not None
                and CrashingBackend.sent >= CrashingBackend.crash_after
            ):
                raise Crash(f"crashed after {CrashingBackend.sent} letters")
            mail.outbox.append(message)
            CrashingBackend.sent += 1
        return len(messages)


class RefusingBackend(EmailBackend):
    """The locmem backend that refuses every address listed in `refused` (an SMTP error for one address)."""

    refused = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & RefusingBackend.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return super().send_messages(messages)


def use_backend(settings, backend):
    settings.MAILERS = {"default": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}"}}
