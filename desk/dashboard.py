"""The editors' dashboard on the admin index: panels and weekly series registered by the apps.

A panel is `fn(request) -> {"title", "items": [(label, value, url)], "alert": ""}` or None
(nothing to show this user; "alert" is optional: one line that needs acting on); a series is
`fn(since) -> {week_start_date: count}`. magazine imports no other app: each app registers its own
from AppConfig.ready().
"""

from datetime import timedelta

from django.utils import timezone

_panels = []
_series = []


def register_panel(fn, *, order=100):
    if fn not in [f for _, f in _panels]:
        _panels.append((order, fn))


def register_series(label, fn, *, permission):
    if label not in [s[0] for s in _series]:
        _series.append((label, fn, permission))


def panels(request):
    return [panel for _, fn in sorted(_panels, key=lambda p: p[0]) if (panel := fn(request))]


def week_start(day):
    return day - timedelta(days=day.weekday())


def chart(request, *, weeks=52, width=640, height=160):
    """Weekly series over the last `weeks` weeks, scaled into an SVG polyline for each series."""
    first = week_start(timezone.localdate()) - timedelta(weeks=weeks - 1)
    since = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()))
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    lines = []
    for label, fn, permission in _series:
        if not request.user.has_perm(permission):
            continue
        counts = fn(since)
        lines.append((label, [counts.get(start, 0) for start in starts]))
    if not lines:
        return None
    top = max(max(values) for _, values in lines)  # 0: nothing happened in these weeks
    scale = max(1, top)
    step = width / max(1, weeks - 1)
    return {
        "width": width,
        "height": height,
        "top": top,
        "first": first,
        "last": starts[-1],
        "series": [
            {
                "label": label,
                "total": sum(values),
                "points": " ".join(
                    f"{n * step:.1f},{height - value * height / scale:.1f}" for n, value in enumerate(values)
                ),
            }
            for label, values in lines
        ],
    }
