"""Giving and revoking access keep an audit record whoever does it: a manager in the admin, a way in,
a command or the shell. The record names the reader by number, never by address."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from readers.models import AccessGrant
from readers.services import grant_create, grant_revoke
from staff.models import AuditEvent
from tests.editorial_audit import audit_events
from tests.factories import make_issue, make_reader, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_a_grant_from_the_shell_is_audited_without_the_readers_address():
    reader = make_reader(email="dilnoza@example.uz")
    starts = timezone.now()
    grant = grant_create(reader=reader, starts_at=starts, ends_at=starts + timedelta(days=30))
    [(actor, detail)] = audit_events(AuditEvent.Kind.ACCESS_GRANTED)
    assert actor == ""
    assert detail.startswith(
        f"grant #{grant.pk} to reader #{reader.pk}: everything, {starts.astimezone(UTC).isoformat()} to "
    )
    assert detail.endswith(", complimentary") and "dilnoza" not in detail


def test_a_grant_of_issues_names_them_and_its_giver():
    manager = make_user(username="manager1", is_staff=True)
    issues = [make_issue(year=2026, number_first=1), make_issue(year=2026, number_first=2)]
    grant_create(reader=make_reader(), scope=AccessGrant.Scope.ISSUES, issues=issues, granted_by=manager)
    [(actor, detail)] = audit_events(AuditEvent.Kind.ACCESS_GRANTED)
    assert actor == "manager1" and ": 1/2026, 2/2026, " in detail and "no end" in detail


def test_a_grant_refused_by_its_checks_is_not_audited():
    with pytest.raises(ValidationError):  # an issue grant without issues
        grant_create(reader=make_reader(), scope=AccessGrant.Scope.ISSUES)
    assert AccessGrant.objects.count() == 0 and audit_events(AuditEvent.Kind.ACCESS_GRANTED) == []


def test_revoking_is_audited_once():
    manager = make_user(username="manager2", is_staff=True)
    grant = grant_create(reader=make_reader())
    assert grant_revoke(grant=grant, revoked_by=manager)
    assert not grant_revoke(grant=grant, revoked_by=manager)
    assert audit_events(AuditEvent.Kind.ACCESS_REVOKED) == [
        ("manager2", f"grant #{grant.pk} to reader #{grant.reader_id}")
    ]


def test_a_grant_made_in_the_admin_goes_through_the_service(client):
    manager = make_user(username="manager3", groups=["Subscriber managers"], is_staff=True)
    client.force_login(manager)
    data = {
        "email": "new.reader@example.org",
        "scope": "everything",
        "first_day": "2026-01-01",
        "last_day": "",
        "reason": "print_subscription",
        "note": "",
    }
    assert client.post("/admin/readers/accessgrant/add/", data).status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.granted_by == manager
    assert audit_events(AuditEvent.Kind.ACCESS_GRANTED) == [
        (
            "manager3",
            f"grant #{grant.pk} to reader #{grant.reader_id}: everything, "
            f"{grant.starts_at.astimezone(UTC).isoformat()} to no end, print_subscription",
        )
    ]
