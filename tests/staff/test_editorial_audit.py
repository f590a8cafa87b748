"""ops.audit: the apps that may not import staff tell the audit log through a signal that staff
stores; every kind they send is one the log knows."""

import pytest

from ops.audit import audit
from staff.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_editorial_write_is_stored_with_its_actor():
    editor = make_user(username="aziza", is_staff=True)
    audit("article_published", by=editor, detail="article #1 Water")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ARTICLE_PUBLISHED)
    assert (event.kind, event.actor, event.actor_name, event.detail) == (
        AuditEvent.Kind.ARTICLE_PUBLISHED,
        editor,
        "aziza",
        "article #1 Water",
    )
    assert event.user is None and event.ip == ""


def test_a_kind_the_log_does_not_know_is_an_error_not_a_silent_row():
    with pytest.raises(ValueError):
        audit("article_painted", detail="?")
    assert not AuditEvent.objects.filter(detail="?").exists()
