"""Writes that touch several models: an article saved with the blocks imported from Word."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from magazine.revisions import revision_create

from .models import Article, ArticleBlock


@transaction.atomic
def article_import_blocks(*, article: Article, blocks: list[dict], user, source_name: str) -> Article:
    """Save `article` (a new one as a draft) with `blocks` appended after its own; keep one revision.

    Each of `blocks` is {"kind", "body", "image" (a stored name or ""), "image_alt"}; every block is
    checked as the admin would check it (ValidationError otherwise, and nothing is saved).
    """
    if article.pk is None:
        article.status = Article.Status.DRAFT
        article.full_clean()
        article.save()
    start = article.blocks.aggregate(last=Max("position"))["last"] or 0
    for number, fields in enumerate(blocks, start=1):
        block = ArticleBlock(article=article, position=start + number, **fields)
        block.full_clean(exclude=["article"])
        block.save()
    comment = _("Imported from Word (%s).") % source_name
    revision_create(obj=article, user=user, related=("blocks",), comment=comment)
    return article
