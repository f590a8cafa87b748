"""The embargo: when a print-first article opens to everyone, with no cron job and no editor action.

The delay is the site's default (EmbargoSettings, in the admin) unless the article's issue says
otherwise (a number of days, or never), counted from the issue's publication date, or from the
article's own publication time when it has no issue or the issue no date. The moment is stored on
the article (`Article.opens_at`) and kept in step when the article, its issue or the default
changes; the paywall, search, feeds and the sitemap compare it with the time of each query, and
the next opening is a cache boundary, so cached pages turn free by themselves.
"""

from datetime import timedelta

from django.db.models import F

from issues.days import day_start


def delay_days(issue, site_days):
    """Days from publication to opening for articles of `issue` (None: outside an issue); None: never."""
    if issue is None or issue.embargo == issue.Embargo.SITE_DEFAULT:
        return site_days
    if issue.embargo == issue.Embargo.NEVER:
        return None
    return issue.embargo_days


def opening_moment(*, publish_at, issue, site_days):
    """When an article published at `publish_at` in `issue` opens to everyone, or None (never, or unknown)."""
    days = delay_days(issue, site_days)
    start = day_start(issue.published_on) if issue is not None and issue.published_on else publish_at
    if days is None or start is None:
        return None
    return start + timedelta(days=days)


def openings_update(articles, *, issue, site_days):
    """Set `opens_at` of `articles` (all in `issue`, or all outside any issue) in one UPDATE."""
    days = delay_days(issue, site_days)
    if days is None:
        return articles.update(opens_at=None)
    if issue is not None and issue.published_on:
        return articles.update(opens_at=day_start(issue.published_on) + timedelta(days=days))
    return articles.update(opens_at=F("publish_at") + timedelta(days=days))
