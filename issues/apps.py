"""The app of the magazine's own domain (issues, sections, events, contacts), label "magazine"."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagazineConfig(AppConfig):
    """The domain moved out of the project package `magazine/` into `issues/`; its label did not.

    The label names the tables (magazine_issue…), the migration history ("magazine", "0006_…"), the
    content types and permissions ("magazine.change_issue"), the foreign keys of other apps
    ("magazine.Issue") and the admin's URLs (/admin/magazine/issue/). Keeping it means no data
    migration and no change for a running site: only the Python package is new.
    """

    name = "issues"
    label = "magazine"
    verbose_name = _("Magazine")

    def ready(self):
        from issues import shell, sidebar
        from issues.models import CONTACTS, MENU, Event
        from sitecache import SITE, register_boundary

        shell.register("sections", MENU)
        shell.register("latest-issues", sidebar.LATEST_ISSUES)
        shell.register("upcoming-events", sidebar.UPCOMING_EVENTS)
        shell.register("contacts", CONTACTS)

        # An event starting or ending changes the sidebar of every page.
        register_boundary(Event.objects.next_change, lambda start, end: [SITE])
