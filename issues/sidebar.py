"""The sidebar's widgets: templates registered by the apps that own them, shown in `order`; and the
site's data they show, read with the shell's other rows (issues.shell)."""

from issues import shell
from issues.models import Event, Issue
from issues.prepared import Prepared

_widgets = []


def register(template_name, *, order=100):
    """Add a widget template to the sidebar; called from other apps' AppConfig.ready()."""
    if template_name not in {name for _, name in _widgets}:
        _widgets.append((order, template_name))


def widgets():
    return [name for _, name in sorted(_widgets)]


def latest_issues():
    """The 8 newest published issues (the sidebar's issue and archive widgets; the home page shows
    the first whole)."""
    return shell.rows("latest-issues")


def upcoming_events():
    """The 3 next events (the sidebar's events widget)."""
    return shell.rows("upcoming-events")


LATEST_ISSUES = Prepared(lambda now: Issue.objects.published()[:8])
UPCOMING_EVENTS = Prepared(
    lambda now: Event.objects.upcoming(now).only(
        "title", "title_ru", "title_en", "starts_at", "place", "place_ru", "place_en"
    )[:3]
)


register("magazine/_sidebar_issue.html", order=10)
register("magazine/_sidebar_events.html", order=20)
register("magazine/_sidebar_archive.html", order=60)
register("magazine/_sidebar_contacts.html", order=90)
