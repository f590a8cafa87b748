"""The search index: what is indexed for each article and keeping it up to date.

Two texts are stored per article (`search_text`, and `full_search_text` for a print-first one),
each the title, a newline, then the rest; on PostgreSQL each also as a weighted tsvector
(`search_vector`, `full_search_vector`, GIN-indexed). articles.signals calls
`search_index_update` on every change of what the texts are built from; `search_index_rebuild`
redoes them all (after loaddata or a restore).
"""

import operator
import re
from functools import reduce
from html import unescape

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value
from django.utils.html import strip_tags

from ..models import Article
from ..paywall import excerpt_blocks, whole_blocks
from .words import one_line

# The content is in Uzbek, Russian and English: no stemming, no stop words (the query uses it too).
SEARCH_CONFIG = "simple"
BLOCK_END = re.compile(r"(?i)<(?:br|hr|/p|/li|/h[1-6]|/blockquote|/div)\b")


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
