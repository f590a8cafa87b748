"""Counts per week for the editors' dashboard chart."""

from django.db.models import Count
from django.db.models.functions import TruncWeek


def per_week(queryset, field, since):
    """{monday's date: number of rows} of `queryset` whose `field` falls on or after `since`."""
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(week=TruncWeek(field))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["week"].date() if hasattr(row["week"], "date") else row["week"]: row["n"] for row in rows}
