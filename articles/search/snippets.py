"""Snippets: the escaped text of one result around the query's words, the words marked with <mark>.

The query's words are the reader's input: the text is escaped first and only then gets its <mark>
tags, placed by markers that cannot occur in indexed text (words.one_line strips control characters).
"""

import re
from functools import lru_cache

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .words import query_terms

START, STOP = "\x02", "\x03"


def snippet(shown_text, query):
    """The escaped text after the title around the query's words, marked with <mark>.

    `shown_text` is what anyone may read of the article now (`query.search_articles`). PostgreSQL matched
    whole words, so whole words are marked; SQLite matched parts of words.
    """
    text = shown_text.split("\n", 1)[-1]
    return marked_html(
        marked_excerpt(text, query_terms(query), whole_words=connection.vendor == "postgresql")
    )


def marked_excerpt(text, terms, *, width=260, whole_words=False):
    """About `width` characters of `text` around the first hit, hits wrapped in START/STOP."""
    pattern = hit_pattern(tuple(terms), whole_words)
    hit = pattern.search(text) if terms else None
    start = 0
    if hit and hit.start() > width // 3:
        start = text.rfind(" ", 0, hit.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    excerpt = text[start:end]
    if terms:
        excerpt = pattern.sub(rf"{START}\g<0>{STOP}", excerpt)
    return ("… " if start else "") + excerpt + (" …" if end < len(text) else "")


@lru_cache(maxsize=64)
def hit_pattern(terms, whole_words):
    """The regular expression of `terms`, longest first (made once for a page's twenty snippets)."""
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)" if whole_words else words, re.I)


def marked_html(marked):
    """Escape everything, then turn the START/STOP markers into <mark> elements."""
    html = escape(marked or "").replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(" ".join(html.split()))
