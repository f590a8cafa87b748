from django import template
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from issues.days import day_label

from .. import ways
from ..access import grant_line as access_grant_line
from ..models import AccessGrant

register = template.Library()


@register.simple_tag
def ways_in():
    """The templates of the ways in (readers.ways) for the paywall note."""
    return ways.ways_in()


@register.filter
def grant_line(grant):
    """'Your print subscription, until 31.12.2026' (readers.access.grant_line)."""
    return access_grant_line(grant)


@register.simple_tag
def grant_summary(grant):
    """One line of the account page: what a grant opens, from when, until when, and why."""
    if grant.scope == AccessGrant.Scope.EVERYTHING:
        what = _("All print-first articles")
    else:
        labels = ", ".join(issue.label for issue in grant.issues.all())
        what = _("Print-first articles of %(issues)s") % {"issues": labels}
    start = date_format(localtime(grant.starts_at), "d.m.Y")
    if grant.ends_at is None:
        period = _("from %(start)s, with no end") % {"start": start}
    else:
        period = _("from %(start)s until %(end)s") % {"start": start, "end": day_label(grant.ends_at)}
    return f"{what}: {period} ({grant.get_reason_display()})"
