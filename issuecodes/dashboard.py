from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from issues.models import Issue

from .models import Code

ISSUES_SHOWN = 5


def codes_panel(request):
    """Codes redeemed per issue, for the last issues that have codes, for users who may see batches."""
    if not request.user.has_perm("issuecodes.view_codebatch"):
        return None
    issues = list(Issue.objects.filter(code_batches__isnull=False).distinct()[:ISSUES_SHOWN])
    if not issues:
        return None
    rows = Code.objects.filter(batch__issue__in=issues).values("batch__issue").annotate(n=Sum("redemptions"))
    counts = {row["batch__issue"]: row["n"] for row in rows.order_by()}
    batches = reverse("admin:issuecodes_codebatch_changelist")
    items = [
        (
            _("issue %(issue)s: codes redeemed") % {"issue": issue.label},
            counts.get(issue.pk, 0),
            f"{batches}?issue__id__exact={issue.pk}",
        )
        for issue in issues
    ]
    return {"title": _("Codes from the issue"), "items": items}
