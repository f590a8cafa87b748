from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from desk.dashboard import week_start
from issues.days import day_start

from .models import PrintSubscription


def print_subscriptions_panel(request):
    """Subscriptions in force, those read online, activations in each of the last four weeks, those
    ending within 30 days: one query, for users who may see the list."""
    if not request.user.has_perm("printsubscribers.view_printsubscription"):
        return None
    today = timezone.localdate()
    in_force = Q(starts_on__lte=today, ends_on__gte=today)
    weeks = [week_start(today) - timedelta(weeks=n) for n in range(3, -1, -1)]
    counts = {
        "in_force": Count("pk", filter=in_force),
        "linked": Count("pk", filter=in_force & Q(reader__isnull=False)),
        "ending": Count("pk", filter=in_force & Q(ends_on__lte=today + timedelta(days=30))),
    }
    for n, start in enumerate(weeks):
        period = Q(linked_at__gte=day_start(start), linked_at__lt=day_start(start + timedelta(weeks=1)))
        counts[f"week{n}"] = Count("pk", filter=period)
    totals = PrintSubscription.objects.aggregate(**counts)
    url = reverse("admin:printsubscribers_printsubscription_changelist")
    items = [
        (_("print subscriptions in force"), totals["in_force"], url),
        (_("linked to an account (reading online)"), totals["linked"], f"{url}?linked=yes"),
    ]
    for n, start in enumerate(weeks):
        label = _("activations in the week of %(day)s") % {"day": date_format(start, "d.m")}
        items.append((label, totals[f"week{n}"], f"{url}?linked=yes"))
    items.append((_("ending within 30 days"), totals["ending"], url))
    return {"title": _("Print subscriptions"), "items": items}
