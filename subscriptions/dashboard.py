from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from desk.weekly import per_week

from .models import Subscriber

# "1 confirmed subscriber", "5 confirmed subscribers": a count and its words agree in every language.
STATUS_LABELS = {
    Subscriber.Status.PENDING: lambda n: ngettext(
        "subscriber waits for confirmation", "subscribers wait for confirmation", n
    ),
    Subscriber.Status.CONFIRMED: lambda n: ngettext("confirmed subscriber", "confirmed subscribers", n),
    Subscriber.Status.UNSUBSCRIBED: lambda n: ngettext("unsubscribed address", "unsubscribed addresses", n),
}


def subscribers_panel(request):
    """Subscribers by status, for users who may see subscribers."""
    if not request.user.has_perm("subscriptions.view_subscriber"):
        return None
    counts = dict(Subscriber.objects.order_by().values_list("status").annotate(n=Count("pk")))
    changelist = reverse("admin:subscriptions_subscriber_changelist")
    items = [
        (label(counts.get(value, 0)), counts.get(value, 0), f"{changelist}?status__exact={value}")
        for value, label in STATUS_LABELS.items()
    ]
    return {"title": _("Subscribers"), "items": items}


def confirmed_per_week(since):
    return per_week(Subscriber.objects.confirmed(), "confirmed_at", since)
