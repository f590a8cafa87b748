"""Search: what is indexed, how a query is matched and ranked, and how snippets are highlighted.

Two texts are indexed (`search_document`): what anyone may read before an embargo ends (the public
excerpt, `paywall.excerpt_blocks`), and, for a print-first article, its whole text. The query
matches the whole text only of articles the paywall calls open at the time of the query
(`paywall.opened_q`), and quotes only that text in snippets: hidden text can be neither found nor
quoted before the article opens, and is found from the moment it does, with no reindexing.
PostgreSQL matches stored, GIN-indexed tsvectors with websearch syntax; SQLite (development) ANDs
the query's words over the texts.
"""

import operator
import re
from functools import reduce
from html import unescape

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import Case, Exists, F, Func, OuterRef, Q, TextField, Value, When
from django.db.models.lookups import Contains
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .models import Article
from .paywall import excerpt_blocks, opened_q, whole_blocks

MAX_QUERY_LENGTH = 200
# A query matching more articles than this (a word in nearly every article) ranks only the newest
# MAX_RANKED + 1 of them: its cost stays bounded whatever the size of the magazine. The results page
# then says "more than MAX_RANKED" and asks for another word.
MAX_RANKED = 500
MAX_TERMS = 12
# The content is in Uzbek, Russian and English: no stemming, no stop words.
SEARCH_CONFIG = "simple"
# Highlight markers that cannot occur in indexed text (control characters are stripped from it);
# snippets are escaped first and only then get their <mark> tags.
START, STOP = "\x02", "\x03"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
BLOCK_END = re.compile(r"(?i)<(?:br|hr|/p|/li|/h[1-6]|/blockquote|/div)\b")


def one_line(text):
    """`text` without control characters, its white space collapsed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())


def html_text(html):
    """The plain text of rich-text `html`; tags become spaces where they separate words."""
    return one_line(unescape(strip_tags(BLOCK_END.sub(r" \g<0>", html or ""))))


def search_document(article, blocks):
    """The indexed text of `article` with these `blocks`, by weight: A the title; B the subtitle, lead,
    names and tags; C the blocks."""
    return {
        "A": one_line(article.title),
        "B": " · ".join(
            text
            for text in map(
                one_line,
                [
                    article.subtitle,
                    article.lead,
                    article.interviewee_name,
                    *(author.name for author in article.authors.all()),
                    *(tag.name for tag in article.tags.all()),
                ],
            )
            if text
        ),
        "C": " ".join(
            text
            for block in blocks
            if (text := one_line(f"{html_text(block.body)} {block.image_alt} {block.caption}"))
        ),
    }


def search_index_update(article):
    """Store the public text of `article` and, if print-first, its whole text (with their weighted
    vectors on PostgreSQL).

    Each text is the title, a newline, then the rest: snippets leave the first line out.
    """
    fields = index_fields("search", search_document(article, excerpt_blocks(article)))
    whole = search_document(article, whole_blocks(article)) if article.is_print_first else None
    fields |= index_fields("full_search", whole)
    Article.objects.filter(pk=article.pk).update(**fields)
    article.search_text, article.full_search_text = fields["search_text"], fields["full_search_text"]


def index_fields(prefix, document):
    """{prefix_text, prefix_vector} of `document` ({weight: text}); empty for None."""
    if document is None:
        return {f"{prefix}_text": "", f"{prefix}_vector": None}
    fields = {f"{prefix}_text": "\n".join(part for part in document.values() if part)}
    if connection.vendor == "postgresql":
        vectors = [SearchVector(Value(text), weight=w, config=SEARCH_CONFIG) for w, text in document.items()]
        fields[f"{prefix}_vector"] = reduce(operator.add, vectors)
    return fields


def search_index_rebuild() -> int:
    """Index every article again (after loaddata or a restore); return how many (articles/tasks.py too)."""
    count = 0
    for article in Article.objects.prefetch_related("tags", "authors").iterator(chunk_size=200):
        search_index_update(article)
        count += 1
    return count


def clean_query(raw):
    """(query, was_truncated): `raw` without control characters or extra spaces, at most 200 characters."""
    query = " ".join(CONTROL_CHARACTERS.sub(" ", raw or "").split())
    if len(query) <= MAX_QUERY_LENGTH:
        return query, False
    return query[:MAX_QUERY_LENGTH].rstrip(), True


def query_terms(query):
    """The distinct words of `query`, lower-cased (the SQLite fallback and the Python snippets)."""
    return list(dict.fromkeys(word.lower() for word in re.findall(r"\w+", query or "")))[:MAX_TERMS]


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


def snippet(shown_text, query):
    """The escaped text after the title around the query's words, marked with <mark>.

    `shown_text` is a row's `shown_text` (search_articles): what anyone may read of the article now.
    PostgreSQL matched whole words, so whole words are marked; SQLite matched parts of words.
    """
    text = shown_text.split("\n", 1)[-1]
    return marked_html(
        marked_excerpt(text, query_terms(query), whole_words=connection.vendor == "postgresql")
    )


def marked_excerpt(text, terms, *, width=260, whole_words=False):
    """About `width` characters of `text` around the first hit, hits wrapped in START/STOP."""
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{words})(?!\w)" if whole_words else words, re.I)
    hit = pattern.search(text) if terms else None
    start = 0
    if hit and hit.start() > width // 3:
        start = text.rfind(" ", 0, hit.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    excerpt = text[start:end]
    if terms:
        excerpt = pattern.sub(lambda match: f"{START}{match.group()}{STOP}", excerpt)
    return ("… " if start else "") + excerpt + (" …" if end < len(text) else "")


def marked_html(marked):
    """Escape everything, then turn the START/STOP markers into <mark> elements."""
    html = escape(marked or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(" ".join(html.split()))
