"""Sending an approval link as the admin does, and reading it back from the letter."""

import re
from urllib.parse import urlsplit

from django.core import mail

from approvals.services import approval_send
from outbox.models import Letter
from tests.factories import make_editor

LINK = re.compile(r"https?://\S+/approval/\d+/\S+/")


def send_link(article, *, user=None, email="aziza@example.org", language="en", days=14, **extra):
    """Send an approval link as the admin does; return (approval, the link's path from the letter)."""
    approval = approval_send(
        article=article, email=email, language=language, days=days, user=user or make_editor(), **extra
    )
    return approval, link_path(Letter.objects.about(approval).get().body)


def link_path(body):
    return urlsplit(LINK.search(body).group(0)).path


def sent_link_path():
    """The approval link in the last letter that left (pytest-django's mail outbox)."""
    return link_path(mail.outbox[-1].body)
