"""Every helper that makes test data, in one place: `from tests.factories import make_article, ...`.

Each factory saves a valid row (or returns a file's bytes) and takes keyword overrides. The modules:
- content: issues, sections, authors, articles, events, comments;
- people: users and their roles;
- audience: readers, access grants, subscribers, print subscriptions, institutions, issue codes;
- sending: announcements and their deliveries, letters, Telegram posts;
- files: images, CSV and Excel lists; docx: Word documents.

Helpers that do something other than make data live elsewhere: tests/staff_login.py (signing staff in
with a second factor), tests/html_forms.py (what a browser submits from a form), tests/s3.py (the
loopback S3 server), tests/concurrency.py (racing threads), tests/browser/helpers.py (driving the
browser).
"""

from tests.factories.audience import (
    make_batch,
    make_grant,
    make_institution,
    make_range,
    make_reader,
    make_subscriber,
    make_subscription,
)
from tests.factories.content import (
    make_article,
    make_author,
    make_comment,
    make_event,
    make_interview,
    make_issue,
    make_print_first,
    make_section,
)
from tests.factories.docx import make_docx
from tests.factories.files import PRINT_LIST_HEADER, csv_bytes, image_bytes, image_file, png_bytes, xlsx_bytes
from tests.factories.people import (
    PASSWORD,
    ensure_roles,
    make_editor,
    make_manager,
    make_moderator,
    make_user,
)
from tests.factories.sending import make_announcement, make_delivery, make_letter, make_telegram_post

__all__ = [
    "PASSWORD",
    "PRINT_LIST_HEADER",
    "csv_bytes",
    "ensure_roles",
    "image_bytes",
    "image_file",
    "make_announcement",
    "make_article",
    "make_author",
    "make_batch",
    "make_comment",
    "make_delivery",
    "make_docx",
    "make_editor",
    "make_event",
    "make_grant",
    "make_institution",
    "make_interview",
    "make_issue",
    "make_letter",
    "make_manager",
    "make_moderator",
    "make_print_first",
    "make_range",
    "make_reader",
    "make_section",
    "make_subscriber",
    "make_subscription",
    "make_telegram_post",
    "make_user",
    "png_bytes",
    "xlsx_bytes",
]
