from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from magazine.dashboard import week_start
from magazine.days import day_start

from .models import PrintSubscription


def print_subscriptions_panel(request):
    """Subscriptions in force, those read online, activations in the last four weeks, those ending soon."""
    if not request.user.has_perm("printsubscribers.view_printsubscription"):
        return None
    today = timezone.localdate()
    url = reverse("admin:printsubscribers_printsubscription_changelist")
    in_force = PrintSubscription.objects.in_force(today)
    items = [
        (_("print subscriptions in force"), in_force.count(), url),
        (_("linked to an account (reading online)"), in_force.linked().count(), f"{url}?linked=yes"),
    ]
    first = week_start(today)
    for weeks_ago in range(3, -1, -1):
        start = first - timedelta(weeks=weeks_ago)
        count = PrintSubscription.objects.filter(
            linked_at__gte=day_start(start), linked_at__lt=day_start(start + timedelta(weeks=1))
        ).count()
        label = _("activations in the week of %(day)s") % {"day": date_format(start, "d.m")}
        items.append((label, count, f"{url}?linked=yes"))
    items.append((_("ending within 30 days"), in_force.ending_within(30, today).count(), url))
    return {"title": _("Print subscriptions"), "items": items}
