"""The sidebar's widgets: templates registered by the apps that own them, shown in `order`; and the
site's data they show, each read once per request (kept while unchanged: sitecache)."""

from issues.models import Issue
from issues.prepared import Prepared
from sitecache import remember

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
    return remember("latest-issues", LATEST_ISSUES)


LATEST_ISSUES = Prepared(lambda now: Issue.objects.published()[:8])


register("magazine/_sidebar_issue.html", order=10)
register("magazine/_sidebar_events.html", order=20)
register("magazine/_sidebar_archive.html", order=60)
register("magazine/_sidebar_contacts.html", order=90)
