"""Days in the site's time zone (TIME_ZONE, Asia/Tashkent by default)."""

from datetime import datetime, time

from django.utils import timezone


def day_start(day):
    """Midnight at the start of `day` in the site's time zone: where a period of whole days begins."""
    return timezone.make_aware(datetime.combine(day, time(0)))
