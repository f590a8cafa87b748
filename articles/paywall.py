"""The paywall: the one place that decides how much of an article a request may receive.

Every output that shows article text (the page, feeds, search snippets, meta descriptions,
structured data, share text, cached pages) asks this module. Hidden blocks are never loaded.
"""

from django.db.models import Case, F, Prefetch, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.html import strip_tags
from django.utils.text import Truncator

from .models import Article, ArticleBlock


def can_preview(user):
    """Editors see drafts, scheduled articles and the whole text of print-first articles."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("articles.change_article"))


def is_paywalled(article, user):
    """True when `user` gets only the public excerpt of `article`."""
    return article.is_print_first and not can_preview(user)


def excerpt_length(article):
    """How many blocks, from the top, a reader without access receives; None when it is all of them."""
    return article.public_block_count if article.is_print_first else None


def visible_blocks(article, user):
    """The blocks of `article` this user may receive, in order; hidden blocks are never loaded."""
    blocks = article.blocks.order_by("position", "id")
    if is_paywalled(article, user):
        return blocks[: excerpt_length(article)]
    return blocks


def preview_cut(article, user):
    """Where an editor's preview marks the end of the public excerpt (a block index), or None."""
    return excerpt_length(article) if can_preview(user) else None


def public_blocks_prefetch():
    """A Prefetch giving each article of a list the blocks `visible_blocks(article, None)` returns.

    One query for the whole list (feeds): blocks are numbered in reading order per article and cut
    at a print-first article's public block count in the database, so hidden blocks are never loaded.
    """
    number = Window(RowNumber(), partition_by=F("article"), order_by=[F("position").asc(), F("id").asc()])
    # 32767, the largest public_block_count, stands for "all blocks" of a free article.
    limit = Case(
        When(article__access=Article.Access.PRINT_FIRST, then=F("article__public_block_count")),
        default=Value(32767),
    )
    blocks = ArticleBlock.objects.alias(number=number, limit=limit).filter(number__lte=F("limit"))
    return Prefetch("blocks", queryset=blocks.order_by("position", "id"), to_attr="_public_blocks")


def public_blocks(article):
    """The blocks an anonymous reader may receive, from `public_blocks_prefetch()` when the list used it."""
    prefetched = getattr(article, "_public_blocks", None)
    return prefetched if prefetched is not None else list(visible_blocks(article, None))


def public_summary(article, *, words=40):
    """Plain text safe for anyone: the lead, or the start of the first public block."""
    if article.lead:
        return article.lead
    for block in public_blocks(article):
        if block.body:
            return Truncator(strip_tags(block.body)).words(words)
    return ""
