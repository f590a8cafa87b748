"""Where an article stands with its interviewee, in one sentence for the editors."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Approval, Proposal


def when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def approval_summary(article):
    """ "Approved by the interviewee on …" and the like, from the newest link not withdrawn; "" if none."""
    approval = (
        Approval.objects.filter(article=article)
        .exclude(status=Approval.Status.REVOKED)
        .annotate(
            **{
                f"{decision}_count": Count("proposals", filter=Q(proposals__decision=decision))
                for decision in Proposal.Decision.values
            }
        )
        .first()
    )
    if approval is None:
        return ""
    names = {"name": approval.interviewee_name}
    if approval.status == Approval.Status.APPROVED:
        return _("Approved by the interviewee %(name)s on %(when)s, as it is.") % (
            names | {"when": when(approval.answered_at)}
        )
    if approval.status == Approval.Status.APPROVED_WITH_CHANGES:
        return _(
            "Approved by the interviewee %(name)s on %(when)s, with changes: %(accepted)d accepted, "
            "%(rejected)d rejected, %(pending)d to decide."
        ) % (
            names
            | {
                "when": when(approval.answered_at),
                "accepted": approval.accepted_count,
                "rejected": approval.rejected_count,
                "pending": approval.pending_count,
            }
        )
    if approval.is_expired():
        return _("The approval link sent to %(name)s on %(when)s expired without an answer.") % (
            names | {"when": when(approval.created_at)}
        )
    return _(
        "Sent to %(name)s for approval on %(when)s; no answer yet (the link is valid until %(until)s)."
    ) % (names | {"when": when(approval.created_at), "until": when(approval.expires_at)})
