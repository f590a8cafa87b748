"""The magazine's own models, one module each: `issue`, `section` (and the menu), `contacts`, `event`,
and `base` (what models of every app share: times, a cover's focal point, a one-row settings table).

Imported from here (`from issues.models import Issue`), as Django and the migrations expect.
"""

from .base import CoverFocalPoint, SettingsRow, TimeStampedModel, translated
from .contacts import CONTACTS, Contacts
from .event import Event, EventQuerySet
from .issue import Issue, IssueQuerySet
from .section import MENU, Section

__all__ = [
    "CONTACTS",
    "MENU",
    "Contacts",
    "CoverFocalPoint",
    "Event",
    "EventQuerySet",
    "Issue",
    "IssueQuerySet",
    "Section",
    "SettingsRow",
    "TimeStampedModel",
    "translated",
]
