"""Days in the site's time zone (TIME_ZONE, Asia/Tashkent by default)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format


def day_start(day: date) -> datetime:
    """Midnight at the start of `day` in the site's time zone: where a period of whole days begins."""
    return timezone.make_aware(datetime.combine(day, time(0)))


def day_label(moment: datetime) -> str:
    """'31.12.2026' for a moment in the site's time zone; midnight counts as the end of the day before."""
    local = timezone.localtime(moment)
    if local.time() == time(0):
        return date_format(local.date() - timedelta(days=1), "d.m.Y")
    return date_format(local, "d.m.Y H:i")
