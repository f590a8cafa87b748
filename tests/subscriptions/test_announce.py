"""Announcing an issue: one rule says which issues may be announced (subscriptions/eligibility.py), and
the announce service keeps an audit record whoever calls it (admin, command, shell)."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from issues.models import Issue
from staff.models import AuditEvent
from subscriptions.eligibility import announceable_issues, issue_announceable, issue_announceable_check
from subscriptions.models import Announcement
from subscriptions.services import announcement_create, issue_announce
from tests.editorial_audit import audit_events
from tests.factories import make_issue, make_subscriber

pytestmark = pytest.mark.django_db

ANNOUNCEMENTS = "/admin/subscriptions/announcement/"


@pytest.fixture(autouse=True)
def unthrottled(settings):
    settings.SUBSCRIPTIONS_SEND_RATE = 0


def test_the_rule_in_python_and_as_a_queryset_agree():
    published, draft = make_issue(), make_issue(is_published=False)
    assert issue_announceable(published) and not issue_announceable(draft)
    assert set(announceable_issues()) == {issue for issue in Issue.objects.all() if issue_announceable(issue)}
    issue_announceable_check(published)
    with pytest.raises(ValidationError) as error:
        issue_announceable_check(draft)
    assert error.value.code == "unpublished"


def test_announcing_from_the_shell_sends_and_leaves_an_audit_record(mailoutbox):
    issue = make_issue()
    make_subscriber()
    announcement = announcement_create(issue=issue)
    result = issue_announce(announcement=announcement)  # the tests' task backend runs it at once
    assert result.return_value["sent"] == 1 and len(mailoutbox) == 1
    assert audit_events(AuditEvent.Kind.ISSUE_ANNOUNCED) == [
        ("", f"issue {issue.label}: announcement #{announcement.pk}")
    ]


def test_an_issue_unpublished_after_its_announcement_was_made_is_refused_and_not_audited(mailoutbox):
    issue = make_issue()
    announcement = announcement_create(issue=issue)
    make_subscriber()
    Issue.objects.filter(pk=issue.pk).update(is_published=False)
    announcement.issue.refresh_from_db()
    with pytest.raises(ValidationError):
        issue_announce(announcement=announcement)
    assert mailoutbox == [] and audit_events(AuditEvent.Kind.ISSUE_ANNOUNCED) == []


@pytest.mark.parametrize("background", [False, True])
def test_the_command_announces_through_the_service(background, mailoutbox):
    issue = make_issue(year=2025, number_first=7)
    make_subscriber()
    options = ["--background"] if background else []
    call_command("send_issue_announcement", "7/2025", "--rate=0", *options, stdout=StringIO())
    assert len(mailoutbox) == 1
    announcement = Announcement.objects.get(issue=issue)
    assert audit_events(AuditEvent.Kind.ISSUE_ANNOUNCED) == [
        ("", f"issue 7/2025: announcement #{announcement.pk}")
    ]


def test_the_admin_action_names_the_editor_in_the_audit_record(editor_client, editor, mailoutbox):
    announcement = Announcement.objects.create(issue=make_issue())
    make_subscriber()
    editor_client.post(ANNOUNCEMENTS, {"action": "send_now", "_selected_action": [announcement.pk]})
    assert len(mailoutbox) == 1
    [(actor, _detail)] = audit_events(AuditEvent.Kind.ISSUE_ANNOUNCED)
    assert actor == editor.get_username()
