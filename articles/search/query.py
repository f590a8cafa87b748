"""Finding and ranking the matches of a query, for each database engine.

`search_articles` returns the published articles matching a query, most relevant first, one version
of each for the reader's language, with the text snippets may quote (`shown_text`); the search page
reads one page of it (`found_keys`, then `ranked_page`).
PostgreSQL matches the GIN-indexed tsvectors (index.py) with websearch syntax and ranks the matches
with ts_rank by how often and where (title, lead, text) each word occurs (`AnyWord`); the parts of a
word it splits (border-3) are matched as words, not as a sequence, unless the query quotes or negates
(`AllParts`), and the open print-first articles are one array of keys (`matches`); SQLite
(development) ANDs the query's words over the stored texts and ranks by where they occur. A
print-first article is matched on its whole text only once the paywall calls it open
(`paywall.opened_q`), on its public text before.
"""

import operator
import re
from functools import partial, reduce

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, Case, F, Func, Q, Subquery, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains
from django.utils import timezone

from issues.prepared import Prepared

from ..models import Article, kept_versions
from ..paywall import opened_q
from .index import SEARCH_CONFIG
from .words import query_terms

# A query matching more articles than this (a word in nearly every article) ranks only the newest
# MAX_RANKED + 1 of them: its cost stays bounded whatever the size of the magazine. The results page
# then says "more than MAX_RANKED" and asks for another word. 200 is ten pages of results; at 500 a
# common word's search cost 12.8 ms in-process against 9.4 ms at 200 (most of it reading and ranking
# the matches), and its tail held the mixed-search p99 at the bench's limit.
MAX_RANKED = 200


class UnicodeLower(Func):
    """LOWER() for every alphabet: SQLite's own folds ASCII only, and readers search in Cyrillic too."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("unicode_lower", 1, unicode_lower, deterministic=True)
        return self.as_sql(compiler, connection, function="unicode_lower", **extra_context)


class AnyWord(Func):
    """`query` with its ANDs made ORs: what ranks the matches (all of which hold every word).

    ts_rank weighs an AND query by how near its words stand, pair by pair over every position: for two
    or three common words that was 14-17 ms per 500 matches, against 3-4 ms for the same words ORed,
    ranked by how often and where (title, lead, text) each occurs. The tsquery's text form puts
    " & " only between operands (a lexeme holds no space), so the swap cannot reach into a word.
    """

    template = "replace(%(expressions)s::text, ' & ', ' | ')::tsquery"
    output_field = SearchQueryField()


class AllParts(Func):
    """`query` with the sequence operators between the parts of a word PostgreSQL's parser splits made
    ANDs: what matches (ranking still weighs the sequence).

    A hyphenated tag (`border-3` is `'border' <-> '-3'`) or an Uzbek o'/g' word (`'o' <-> 'zbek'`)
    otherwise makes PostgreSQL recheck the positions of every article the index found, reading and
    decompressing each one's vector (with `matches`' array: 3.8 -> 1.6 ms for the bench's searches
    holding a tag, in SQL; 3.0 ms with the array alone). Such parts stand next to each other in nearly
    every text holding them all. Only for a query without quotes or a minus (`phrases_asked`): a
    quoted phrase keeps its order, a negated word its exact sense.
    """

    template = "regexp_replace(%(expressions)s::text, ' <(-|[0-9]+)> ', ' & ', 'g')::tsquery"
    output_field = SearchQueryField()


KEYS = ArrayField(BigIntegerField())  # an array of primary keys


class ArrayOf(Subquery):
    """ARRAY(SELECT ...): the values of a one-column subquery, computed once for the whole query."""

    template = "ARRAY(%(subquery)s)"
    output_field = KEYS


class Matches(Func):
    """`vector @@ query`, for any tsquery expression (the `search` lookup takes a SearchQuery only)."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class AmongValues(Func):
    """`expression = ANY(array)`: a condition an index on `expression` answers."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (value_sql, value_params), (array_sql, array_params) = map(compiler.compile, self.source_expressions)
        return f"{value_sql} = ANY({array_sql})", (*value_params, *array_params)


def phrases_asked(query):
    """Whether `query` holds a quoted phrase or a negated word (websearch syntax)."""
    return '"' in query or re.search(r"(^|\s)-", query) is not None


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
    matches are ranked. (The search page reads one page of it: `found_keys`, then `ranked_page`.)
    """
    keys = found_keys(query, language=language, year=year, section=section, now=now)
    return ranked(now or timezone.now(), query, language, keys) if keys else no_results()


def found_keys(query, *, language, year=None, section=None, now=None):
    """The primary keys of what `search_articles` finds, unranked: the newest MAX_RANKED + 1 matches
    from the index, with what the version rule needs, one version of each kept for `language`."""
    if connection.vendor != "postgresql" and not query_terms(query):
        return []
    found = candidates(query, year=year, section=section.pk if section else None, now=now)
    # Rows (pk, language, translation_of_id), kept in no order: ranked() orders them.
    group, language_of = (lambda row: row[2] or row[0]), operator.itemgetter(1)
    return [row[0] for row in kept_versions(found, language, group=group, language_of=language_of)]


def ranked(now, query, language, keys):
    """The articles of `keys` (found for `query` at `now`), most relevant first, then `language`'s,
    then the newest, each with the `rank` and the `shown_text` of `search_articles`."""
    opened = opened_q(now) & ~Q(full_search_text="")
    if connection.vendor == "postgresql":
        vector = Case(
            When(opened, then=F("full_search_vector")),
            default=F("search_vector"),
            output_field=SearchVectorField(),
        )
        # The snippet is cut in Python (snippets.py): ts_headline over long texts cost ~1 ms a row.
        rank = SearchRank(vector, AnyWord(web_search(query)))
    else:
        rank = sqlite_rank(query_terms(query))
    shown = Case(When(opened, then=F("full_search_text")), default=F("search_text"))
    return (
        with_keys(Article.objects.all(), keys)
        .annotate(rank=rank, shown_text=shown)
        .alias(other_language=Case(When(language=language, then=Value(0)), default=Value(1)))
        .order_by("-rank", "other_language", "-publish_at", "-id")
    )


def ranked_page(query, *, language, keys, offset, limit, now=None):
    """Rows {pk, language, shown_text} of `ranked` from `offset`, at most `limit`: one results page.

    On PostgreSQL the query of each page is built and compiled once per process (its building and
    compiling cost more than its run): the keys are one parameter, the text of an array.
    """

    def rows(now, query, language, keys):
        found = ranked(now, query, language, keys).values("pk", "language", "shown_text")
        return found[offset : offset + limit]

    if not keys:
        return []
    if connection.vendor != "postgresql":
        return list(rows(now or timezone.now(), query, language, keys))
    if (offset, limit) not in RANKED_PAGES:
        # Planned at each call: a plan made for any query would parse the query's text for every
        # row it ranks (2.8 -> 3.9 ms a page, in-process), where a plan for this one parses it once.
        RANKED_PAGES[offset, limit] = Prepared(rows, server_plans=False)
    return RANKED_PAGES[offset, limit](now, query=query, language=language, keys=array_text(keys))


RANKED_PAGES = {}  # {(offset, limit): Prepared}: at most MAX_RANKED / page size + 1 of them


def web_search(query):
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


def matches(now, query, year=None, section=None, *, phrases=True):
    """The newest MAX_RANKED + 1 articles published at `now` that match `query` (in `year`'s issues,
    in the section of primary key `section`), unranked: tuples (pk, language, translation_of_id) for the
    version rule, lighter than dicts or objects. A walk of the publication index for a common word, the GIN
    index's hits then a top-N sort for a rarer one: ranking, the count and the version rule then cost
    the same for any common word. `phrases`: whether a split word's parts must keep their sequence on
    PostgreSQL (`AllParts`)."""
    articles = Article.objects.published(now)
    if year is not None:
        articles = articles.filter(issue__year=year)
    if section is not None:
        articles = articles.filter(section_id=section)
    # Open print-first articles indexed since the whole text was (an older row has no whole text yet).
    opened = opened_q(now) & ~Q(full_search_text="")
    if connection.vendor == "postgresql":
        search_query = web_search(query) if phrases else AllParts(web_search(query))
        # The open articles matching on their whole text are computed once, as an array of keys: as
        # an OR beside the search index's condition, they made PostgreSQL read and decompress the
        # vector of every article the index found, to test the OR again (2.3 -> 2.0 ms a search).
        opened_keys = Article.objects.filter(opened, Matches(F("full_search_vector"), search_query))
        found = Q(Matches(F("search_vector"), search_query)) | Q(
            AmongValues(F("pk"), ArrayOf(opened_keys.values("pk")))
        )
    else:
        terms = query_terms(query)
        found = Q(*(folded_contains("search_text", term) for term in terms)) | opened & Q(
            *(folded_contains("full_search_text", term) for term in terms)
        )
    rows = articles.filter(found).order_by("-publish_at", "-id")
    return rows.values_list("pk", "language", "translation_of_id")[: MAX_RANKED + 1]


# On PostgreSQL the query is built and compiled once per process (the words are its parameters): its
# building cost more than its run for a rare word. SQLite's LIKE patterns wrap the words, so it is
# built each time there (development only). The database plans it at each call, not once per
# connection: a common word's best plan walks the publication index, a rare word's the search index.
# One for queries with phrases or negations, one for the others (`AllParts`).
PREPARED_MATCHES = {
    phrases: Prepared(partial(matches, phrases=phrases), server_plans=False) for phrases in (False, True)
}


def candidates(query, *, year=None, section=None, now=None):
    """`matches`' rows: (pk, language, translation_of_id), newest first."""
    if connection.vendor == "postgresql":
        return PREPARED_MATCHES[phrases_asked(query)](now, query=query, year=year, section=section)
    return list(matches(now or timezone.now(), query, year, section))


def with_keys(articles, keys):
    """`articles` whose primary key is one of `keys` (up to MAX_RANKED + 1): on PostgreSQL as one
    parameter, the text of an array (`array_text`, or a list made one), since an IN list of 501 values
    costs milliseconds to build and to plan."""
    if connection.vendor != "postgresql":
        return articles.filter(pk__in=keys)
    keys = keys if isinstance(keys, str) else array_text(keys)
    return articles.filter(AmongValues(F("pk"), RawSQL("%s::bigint[]", (keys,), output_field=KEYS)))


def array_text(keys):
    """PostgreSQL's text form of an array of whole numbers: {1,2,3}."""
    return "{" + ",".join(str(int(key)) for key in keys) + "}"


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
