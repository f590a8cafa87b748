"""The publication rule and the lists' questions: `ArticleQuerySet` (`published()`, `for_language()`,
`for_cards()`, the scheduled moments) and `versions_for_language()`, the one-version-per-language rule for
rows already loaded."""

from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Case, Exists, Min, OuterRef, Q, Value, When
from django.utils import timezone

from ..embargo import openings_update
from .embargo_settings import EmbargoSettings

if TYPE_CHECKING:  # the article's module imports this one
    from .article import Article  # noqa: F401 (the type argument of ArticleQuerySet's base, a string)

SEARCH_COLUMNS = ("search_text", "search_vector", "full_search_text", "full_search_vector")
# What an article card reads (articles.cards: `for_cards()`).
CARD_COLUMNS = (
    "id",
    "title",
    "subtitle",
    "slug",
    "lead",
    "language",
    "is_sponsored",
    "access",
    "opens_at",
    "interviewee_id",
    "interviewee_name",
    "interviewee__slug",
    "issue_id",
    "section_id",
)
# The issue a full card links to (its label and address), by `for_cards(with_issue=True)`.
ISSUE_COLUMNS = ("issue__year", "issue__number_first", "issue__number_last")


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime | None = None) -> Self:
        """What a reader may see: published, publish time passed, issue (if any) published."""
        return self.filter(
            Q(issue__isnull=True) | Q(issue__is_published=True),
            status=self.model.Status.PUBLISHED,
            publish_at__lte=now or timezone.now(),
        )

    def for_listing(self) -> Self:
        """The joins every list of articles needs, so a list costs the same for 3 or 60 rows.

        The search columns (the indexed texts and their vectors) are left behind: no list shows them.
        """
        return (
            self.select_related("issue", "section", "interviewee")
            .prefetch_related("tags", "authors")
            .defer(*SEARCH_COLUMNS)
        )

    def for_cards(self, *, with_issue=True):
        """What an article card shows (articles.cards) in one query, as values: the card's columns,
        its interviewee's address and its issue's label (`with_issue`: not in a table of contents).
        The rows are dicts, not Article rows (half the cost of a list of 90 cards): the cards record
        `article:<pk>` for each. They load the authors of the whole list in one more query; the
        section comes from `Section.menu()`."""
        columns = [*CARD_COLUMNS]
        if with_issue:
            columns += ISSUE_COLUMNS
        return self.values(*columns)

    def for_language(self, language, now: datetime | None = None):
        """One version of each article for a reader of `language`, that language's articles first
        (the same rule for rows already loaded: `versions_for_language`); versions published at `now`.

        An article whose published translation exists in `language` is replaced by that translation;
        an article with no version in `language` stays in the list, in its own language.
        """
        translated_roots = (
            self.model.objects.published(now)
            .filter(language=language, translation_of__isnull=False)
            .values("translation_of")
        )
        # Per row and through the primary key (not a list of every original in `language`, which
        # grows with the magazine); only translations are looked up.
        original_here = self.model.objects.published(now).filter(
            pk=OuterRef("translation_of"), language=language, translation_of__isnull=True
        )
        has_version_here = (
            Q(pk__in=translated_roots)
            | Q(translation_of__in=translated_roots)
            | (Q(translation_of__isnull=False) & Q(Exists(original_here)))
        )
        return self.exclude(~Q(language=language) & has_version_here).alias(
            other_language=Case(When(language=language, then=Value(0)), default=Value(1))
        )

    def scheduled(self, now: datetime | None = None) -> Self:
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def next_publication(self, now: datetime) -> datetime | None:
        """When the next scheduled article goes live, or None."""
        return self.scheduled(now).aggregate(moment=Min("publish_at"))["moment"]

    def next_opening(self, now):
        """When the next print-first article opens to everyone (its embargo ends), or None.

        A query of its own rather than a filtered aggregate beside next_publication: each is one
        range of its own index (the partial `article_opens`, and status-then-publish_at).
        """
        closed = self.filter(status=self.model.Status.PUBLISHED, access=self.model.Access.PRINT_FIRST)
        return closed.filter(opens_at__gt=now).aggregate(moment=Min("opens_at"))["moment"]

    def openings_refresh(self, issues, *, outside_issues=False):
        """Recompute `opens_at` of the articles of `issues` (and of those outside any issue): one
        UPDATE per issue. Called when an issue or the site's default changes."""
        site_days = EmbargoSettings.from_database().open_after_days
        for issue in issues:
            openings_update(self.filter(issue=issue), issue=issue, site_days=site_days)
        if outside_issues:
            openings_update(self.filter(issue__isnull=True), issue=None, site_days=site_days)


def versions_for_language(articles, language):
    """`for_language()` for articles already loaded: of each version group, the versions in
    `language` if it has any, else all of them; `language`'s first, then newest first."""
    kept = kept_versions(articles, language, group=group_of, language_of=attrgetter("language"))
    return sorted(kept, key=lambda a: (a.language != language, -a.publish_at.timestamp(), -a.pk))


def kept_versions(rows, language, *, group, language_of):
    """The rule of `versions_for_language` for any rows, unordered: of each version group (`group(row)`:
    its original's key) the rows whose `language_of(row)` is `language` if it has any, else all of them."""
    groups = {}
    for row in rows:
        groups.setdefault(group(row), []).append(row)
    kept = []
    for members in groups.values():
        kept += [row for row in members if language_of(row) == language] or members
    return kept


def group_of(article):
    return article.translation_of_id or article.pk
