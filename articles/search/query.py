"""Finding and ranking the matches of a query, for each database engine.

`search_articles` returns the published articles matching a query, most relevant first, one version
of each for the reader's language; `shown_texts` the texts snippets may quote for one page of them.
PostgreSQL matches the GIN-indexed tsvectors (index.py) with websearch syntax and ranks with
ts_rank; SQLite (development) ANDs the query's words over the stored texts and ranks by where they
occur. A print-first article is matched on its whole text only once the paywall calls it open
(`paywall.opened_q`), on its public text before.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Q, TextField, Value, When
from django.db.models.lookups import Contains

from ..models import Article
from ..paywall import opened_q
from .index import SEARCH_CONFIG
from .words import query_terms

# A query matching more articles than this (a word in nearly every article) ranks only the newest
# MAX_RANKED + 1 of them: its cost stays bounded whatever the size of the magazine. The results page
# then says "more than MAX_RANKED" and asks for another word.
MAX_RANKED = 500


class UnicodeLower(Func):
    """LOWER() for every alphabet: SQLite's own folds ASCII only, and readers search in Cyrillic too."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("unicode_lower", 1, unicode_lower, deterministic=True)
        return self.as_sql(compiler, connection, function="unicode_lower", **extra_context)


def unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def folded_contains(field, term):
    """`field` contains the lower-case `term`, whatever the case of either."""
    return Contains(UnicodeLower(field), term)


def search_articles(query, *, language, year=None, section=None, now=None):
    """Published articles matching `query`, most relevant first, one version of each for `language`.

    A print-first article is matched on its whole text once open at `now`, on its public text before.
    Each row carries `shown_text`: the indexed text snippets may quote. A match in another language is
    dropped when the reader's own version of the article matches too. Only the newest MAX_RANKED + 1
    matches are ranked.
    """
    articles = Article.objects.published(now)
    if year:
        articles = articles.filter(issue__year=year)
    if section:
        articles = articles.filter(section=section)
    # Open print-first articles indexed since the whole text was (an older row has no whole text yet).
    opened = opened_q(now) & ~Q(full_search_text="")
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        matches = newest(
            articles.filter(Q(search_vector=search_query) | opened & Q(full_search_vector=search_query))
        )
        vector = Case(
            When(opened, then=F("full_search_vector")),
            default=F("search_vector"),
            output_field=SearchVectorField(),
        )
        # The snippet is cut in Python (snippet()): ts_headline over long texts cost ~1 ms a row.
        results = one_version_each(matches, language).annotate(rank=SearchRank(vector, search_query))
    else:
        terms = query_terms(query)
        if not terms:
            return no_results()
        matches = newest(
            articles.filter(
                Q(*(folded_contains("search_text", term) for term in terms))
                | opened & Q(*(folded_contains("full_search_text", term) for term in terms))
            )
        )
        results = one_version_each(matches, language).annotate(rank=sqlite_rank(terms))
    shown = Case(When(opened, then=F("full_search_text")), default=F("search_text"))
    return (
        results.annotate(shown_text=shown)
        .alias(other_language=Case(When(language=language, then=Value(0)), default=Value(1)))
        .order_by("-rank", "other_language", "-publish_at", "-id")
    )


def shown_texts(pks, now=None):
    """{pk: the indexed text snippets may quote} for these articles (search_articles' `shown_text`).

    Asked for the rows of one page only: the texts are long, and the counted, ranked query that
    finds the page would otherwise carry every match's text through its sort.
    """
    opened = opened_q(now) & ~Q(full_search_text="")
    shown = Case(When(opened, then=F("full_search_text")), default=F("search_text"))
    return dict(Article.objects.filter(pk__in=pks).annotate(shown_text=shown).values_list("pk", "shown_text"))


def newest(matches):
    """The newest MAX_RANKED + 1 of `matches` (a walk of the publication index, or a top-N sort of the
    index's hits): ranking, the count and the version check then cost the same for any common word."""
    capped = matches.order_by("-publish_at", "-id").values("pk")[: MAX_RANKED + 1]
    return Article.objects.filter(pk__in=capped)


def no_results():
    """An empty result with the columns of `search_articles`' rows."""
    return Article.objects.none().annotate(shown_text=F("search_text"))


def sqlite_rank(terms):
    """Per word: 4 for the title, 2 for the subtitle or lead, 1 for the rest of the text."""
    points = [
        Case(When(folded_contains("title", term), then=Value(4)), default=Value(0))
        + Case(
            When(folded_contains("subtitle", term) | folded_contains("lead", term), then=Value(2)),
            default=Value(0),
        )
        + Value(1)
        for term in terms
    ]
    return reduce(operator.add, points)


def one_version_each(matches, language):
    """`matches` without the other-language versions of an article whose `language` version matches."""
    # A version here of the same article: its translation, its original, or a sibling translation.
    # Asked per matching row (EXISTS on the translation_of index), so the cost follows the matches,
    # not the number of articles in the language.
    same_article = (
        Q(translation_of=OuterRef("pk"))
        | Q(translation_of=OuterRef("translation_of"))
        | Q(translation_of__isnull=True, pk=OuterRef("translation_of"))
    )
    version_here = Exists(matches.filter(same_article, language=language).values("pk"))
    return matches.exclude(~Q(language=language) & version_here)
