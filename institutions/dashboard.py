from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Institution, InstitutionReading
from .services import month_start


def institutions_panel(request):
    """Institutions reading now and the whole texts their networks read this month (two small queries)."""
    if not request.user.has_perm("institutions.view_institution"):
        return None
    today = timezone.localdate()
    live = Institution.objects.live().aggregate(n=Count("pk"))["n"]
    readings = InstitutionReading.objects.filter(month=month_start(today)).aggregate(n=Sum("count"))["n"] or 0
    url = reverse("admin:institutions_institution_changelist")
    return {
        "title": _("Institutions"),
        "items": [
            (_("institutions with access now"), live, f"{url}?active__exact=1"),
            (_("articles read from their networks this month"), readings, url),
        ],
    }
