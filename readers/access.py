"""Who may read the whole text of a print-first article, by access grant.

`articles.paywall` asks `reading_grant` (through `may_read_full`), and no other code reads grants:
page, feeds, search, structured data and letters all ask the paywall. A request from an institution's
network (institutions.middleware sets `request.institution`) reads by `reading_institution`. The
embargo, which opens an article to everyone, is the paywall's own business (`Article.opens_at`).
"""

from datetime import datetime
from typing import Protocol, cast

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from issues.days import day_label

from .models import AccessGrant, AnonymousReader, Reader

# Who `request.reader` may be; a request without the readers middleware passes None.
type AnyReader = Reader | AnonymousReader | AnonymousUser | None


class ArticleOfIssue(Protocol):
    """What the access rule needs of an article: the issue it belongs to (None: outside any issue)."""

    issue_id: int | None


class LiveInstitution(Protocol):
    """What the access rule needs of an institution (institutions.Institution): whether it is live."""

    def is_live(self, now: datetime | None = None) -> bool: ...


def reading_grant(
    article: ArticleOfIssue, reader: AnyReader, now: datetime | None = None
) -> AccessGrant | None:
    """The live grant by which `reader` reads `article` whole at `now`, or None.

    `reader` may be None or anonymous. When several grants cover the article, the one that lasts
    longest is returned (it is the one worth naming). A signed-in reader comes with their grants
    (readers.cached: no query); any other reader costs one query, kept for the request.
    """
    if reader is None or not reader.is_authenticated:
        return None
    reader = cast(Reader, reader)  # only a Reader is authenticated (or the lazy object standing for one)
    grants = getattr(reader, "cached_grants", None)
    if grants is not None:
        moment = now or timezone.now()
        covering = [g for g in grants if g.is_live(moment) and g.covers(article.issue_id)]
        return min(covering, key=AccessGrant.longest_first_key, default=None)
    key = (article.issue_id, now)
    memo = getattr(reader, "_reading_grants", None)
    if memo is None:
        memo = reader._reading_grants = {}  # type: ignore[attr-defined]
    if key not in memo:
        grants = AccessGrant.objects.filter(reader_id=reader.pk).live(now).covering(article.issue_id)
        memo[key] = grants.longest_first().first()
    return memo[key]


def may_read_full(article: ArticleOfIssue, reader: AnyReader, now: datetime | None = None) -> bool:
    """True when `reader` holds a live grant that covers `article` (its issue, or everything)."""
    return reading_grant(article, reader, now) is not None


def reading_institution(
    article: ArticleOfIssue, institution: LiveInstitution | None, now: datetime | None = None
) -> LiveInstitution | None:
    """The institution by which a request from its network reads `article` whole at `now`, or None.

    An institution opens every print-first article while it is active and within its period (the
    embargo, as for grants, is the paywall's business). `institution` may be None.
    """
    if institution is None or not institution.is_live(now):
        return None
    return institution


def grant_line(grant: AccessGrant) -> str:
    """What a reader is told of the grant they read by: 'Your print subscription, until 31.12.2026'."""
    reasons: dict[str, str] = {
        AccessGrant.Reason.PRINT_SUBSCRIPTION: _("Your print subscription"),
        AccessGrant.Reason.COMPLIMENTARY: _("Complimentary access"),
        AccessGrant.Reason.CODE: _("The code from your issue"),
        AccessGrant.Reason.INSTITUTION: _("Access provided by your institution"),
    }
    reason = reasons.get(grant.reason, grant.get_reason_display())
    if grant.ends_at is None:
        return reason
    return _("%(reason)s, until %(date)s") % {"reason": reason, "date": day_label(grant.ends_at)}
