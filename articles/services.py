"""Writes that touch several models or that several entry points share: an article published (with its
revision and audit record, whoever publishes it: admin, command, task, shell), an article saved with the
blocks imported from Word, people merged."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ops.audit import audit
from revisions.snapshots import revision_create

from .models import Article, ArticleBlock, Author, AuthorAlias

# An article's revision keeps its blocks in their order (the article admin's revision_related).
REVISION_RELATED = ("blocks",)


@transaction.atomic
def article_publish(*, article: Article, by=None, now=None) -> Article:
    """Publish `article` at `now` (default: this moment), keep a revision and an audit record.

    `by` is the staff user who publishes it (None from a command, a task or the shell). An article of
    an unpublished issue waits for its issue, as with any publication time (`published()`).
    """
    article.status, article.publish_at = Article.Status.PUBLISHED, now or timezone.now()
    article.save(update_fields=["status", "publish_at", "updated_at"])
    revision_create(obj=article, user=by, related=REVISION_RELATED, comment=_("Published now."))
    article_publication_audit(article=article, by=by)
    return article


def article_publication_audit(*, article: Article, by=None) -> None:
    """The audit record of `article` becoming published (the action above, or the change form's status)."""
    audit("article_published", by=by, detail=f"article #{article.pk} {article}")


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
    revision_create(obj=article, user=user, related=REVISION_RELATED, comment=comment)
    return article


MERGED_FIELDS = ("position", "photo", "photo_alt", "bio", "bio_ru", "bio_en")


@transaction.atomic
def person_merge(*, merged: Author, into: Author) -> Author:
    """Make `merged` and `into` one person, `into`: its bylines and interviews move over, its empty
    fields are filled from `merged`'s, and `merged`'s page address (and any it inherited) redirects
    to `into`'s. `merged` is deleted."""
    if merged.pk == into.pk:
        raise ValueError("A person cannot be merged into themselves.")
    for article in Article.objects.filter(authors=merged):
        article.authors.add(into)  # signals: the search index and the content version follow
        article.authors.remove(merged)
    Article.objects.filter(interviewee=merged).update(interviewee=into)
    changed = [name for name in MERGED_FIELDS if not getattr(into, name) and getattr(merged, name)]
    for name in changed:
        setattr(into, name, getattr(merged, name))
    if "photo" in changed:
        into.photo_width, into.photo_height = merged.photo_width, merged.photo_height
    into.save()
    AuthorAlias.objects.filter(person=merged).update(person=into)
    AuthorAlias.objects.filter(slug=into.slug).delete()  # the kept person's own address wins
    old_slug = merged.slug
    merged.delete()
    AuthorAlias.objects.create(slug=old_slug, person=into)
    return into
