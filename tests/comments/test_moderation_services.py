"""The moderators' decisions outside the admin keep their audit record; moderators are found by the
moderate_comment permission, not by a group's name."""

import pytest
from django.contrib.auth.models import Group, Permission

from comments.models import Comment
from comments.services import (
    comment_delete,
    comments_approve,
    comments_mark_spam,
    moderator_emails,
    moderators,
)
from staff.models import AuditEvent
from tests.editorial_audit import audit_events
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db


def moderate_permission():
    return Permission.objects.get(content_type__app_label="comments", codename="moderate_comment")


def test_approving_from_the_shell_changes_the_status_and_leaves_an_audit_record():
    moderator = make_user(username="moderator1", is_staff=True)
    waiting = [make_comment(status=Comment.Status.PENDING) for _ in range(2)]
    make_comment(status=Comment.Status.PENDING)  # not chosen
    assert (
        comments_approve(comments=Comment.objects.filter(pk__in=[c.pk for c in waiting]), moderator=moderator)
        == 2
    )
    assert set(Comment.objects.filter(status=Comment.Status.APPROVED).values_list("pk", flat=True)) == {
        c.pk for c in waiting
    }
    numbers = ", ".join(f"#{c.pk}" for c in waiting)
    assert audit_events(AuditEvent.Kind.COMMENTS_MODERATED) == [("moderator1", f"approved: {numbers}")]


def test_a_decision_that_changes_nothing_is_not_audited_and_each_kind_is_named():
    moderator = make_user(username="moderator2", is_staff=True)
    comment = make_comment(status=Comment.Status.APPROVED)
    assert comments_approve(comments=Comment.objects.filter(pk=comment.pk), moderator=moderator) == 0
    comments_mark_spam(comments=Comment.objects.filter(pk=comment.pk), moderator=moderator)
    comment_delete(comment=comment, moderator=moderator)
    assert audit_events(AuditEvent.Kind.COMMENTS_MODERATED) == [
        ("moderator2", f"spam: #{comment.pk}"),
        ("moderator2", f"deleted: #{comment.pk}"),
    ]


def test_a_user_given_the_permission_directly_is_a_moderator():
    user = make_user(email="direct@example.com")
    user.user_permissions.add(moderate_permission())
    assert user in moderators() and "direct@example.com" in moderator_emails()


def test_a_group_is_found_by_its_permission_whatever_its_name():
    user = make_user(email="night@example.com", groups=["Moderators"])
    Group.objects.filter(name="Moderators").update(name="Night desk")  # renamed by a manager
    assert "night@example.com" in moderator_emails()
    other = Group.objects.create(name="Comment desk")  # a group the code has never heard of
    other.permissions.add(moderate_permission())
    newcomer = make_user(email="newcomer@example.com")
    newcomer.groups.add(other)
    assert {user, newcomer} <= set(moderators())


def test_superusers_are_moderators_and_users_without_the_permission_or_inactive_are_not(settings):
    settings.EDITORS_EMAILS = []
    superuser = make_user(email="root@example.com", is_superuser=True)
    make_user(email="reader-staff@example.com", is_staff=True)  # staff, but not a moderator
    group = Group.objects.create(name="Proofreaders")
    group.permissions.add(Permission.objects.get(codename="view_comment"))
    make_user(email="proofreader@example.com").groups.add(group)
    gone = make_user(email="gone@example.com", is_active=False)
    gone.user_permissions.add(moderate_permission())
    assert list(moderators()) == [superuser]
    assert moderator_emails() == ["root@example.com"]


def test_a_moderator_in_two_granting_groups_is_listed_once():
    user = make_user(email="twice@example.com")
    for name in ("Desk A", "Desk B"):
        group = Group.objects.create(name=name)
        group.permissions.add(moderate_permission())
        user.groups.add(group)
    user.user_permissions.add(moderate_permission())
    assert list(moderators()) == [user]
