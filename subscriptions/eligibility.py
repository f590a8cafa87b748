"""Announcement eligibility, the one rule: an issue may be announced to subscribers once it is published.

Everything that announces asks here: the model's check (Announcement.clean), the admin's choice of
issues, the announce service (services.issue_announce), the sending engine (sending.announcement_send,
run by the task and the command) and the command's early error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from issues.models import Issue


def issue_announceable(issue: Issue) -> bool:
    """True if `issue` may be announced."""
    return issue.is_published


def announceable_issues():
    """The issues that may be announced, as a queryset: the same rule, for lists and choices."""
    return Issue.objects.published()


def issue_announceable_check(issue: Issue) -> None:
    """Raise ValidationError (code "unpublished") unless `issue` may be announced."""
    if not issue_announceable(issue):
        raise ValidationError(_("Publish the issue before announcing it."), code="unpublished")
