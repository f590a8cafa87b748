from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AccessGrant, Reader


def readers_panel(request):
    """Readers, and readers' grants in force or ending within 30 days, for users who may see readers."""
    if not request.user.has_perm("readers.view_reader"):
        return None
    now = timezone.now()
    live = AccessGrant.objects.live(now)
    grants = reverse("admin:readers_accessgrant_changelist")
    items = [
        (_("readers"), Reader.objects.count(), reverse("admin:readers_reader_changelist")),
        (_("readers with access now"), live.values("reader").distinct().count(), f"{grants}?state=live"),
        (
            _("grants ending within 30 days"),
            live.filter(ends_at__lte=now + timedelta(days=30)).count(),
            f"{grants}?state=live",
        ),
    ]
    return {"title": _("Readers"), "items": items}
