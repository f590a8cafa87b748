"""Interviews to approve, and the approval link as the interviewee receives it."""

import re
import threading
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection

from approvals.services import approval_send
from outbox.models import Letter
from tests.factories import make_article, make_editor

LINK = re.compile(r"https?://\S+/approval/\d+/\S+/")


def make_interview(**overrides):
    """A print-first interview of three blocks; the third is hidden online and holds HIDDENMARKER."""
    fields = {
        "title": "Water diplomacy",
        "interviewee_name": "Aziza Nurmatova",
        "access": "print_first",
        "public_block_count": 1,
        "blocks": [
            ("question", "<p>What changed this year?</p>"),
            ("answer", "<p>Trade found <b>new</b> roads.</p>"),
            ("answer", "<p>HIDDENMARKER The rest is in print.</p>"),
        ],
    }
    return make_article(**fields | overrides)


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


def run_together(function, *, times=2):
    """Call `function` in `times` threads at the same moment, each on its own database connection;
    return what each returned (or the exception it raised, by its class name)."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "The in-memory SQLite test database fails a second writer at once ('table is locked'); "
            "a site's SQLite file makes it wait. The suite's PostgreSQL run covers this."
        )
    start, outcomes = threading.Barrier(times), []

    def run():
        try:
            start.wait()
            outcomes.append(function())
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
