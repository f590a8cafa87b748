"""The paywall: the one place that decides how much of an article a request may receive.

Every output that shows article text (the page, feeds, search snippets, meta descriptions,
structured data, share text, cached pages) asks this module. Hidden blocks are never loaded.
"""

from django.utils.html import strip_tags
from django.utils.text import Truncator


def can_preview(user):
    """Editors see drafts, scheduled articles and the whole text of print-first articles."""
    return bool(user and user.is_active and user.is_staff and user.has_perm("articles.change_article"))


def is_paywalled(article, user):
    """True when `user` gets only the public excerpt of `article`."""
    return article.is_print_first and not can_preview(user)


def visible_blocks(article, user):
    """The blocks of `article` this user may receive, in order; hidden blocks are never loaded."""
    blocks = article.blocks.order_by("position", "id")
    if is_paywalled(article, user):
        return blocks[: article.public_block_count]
    return blocks


def public_summary(article, *, words=40):
    """Plain text safe for anyone: the lead, or the start of the first public block."""
    if article.lead:
        return article.lead
    for block in visible_blocks(article, None):
        if block.body:
            return Truncator(strip_tags(block.body)).words(words)
    return ""
