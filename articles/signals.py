"""Keep each article's search index, and its opening moment, in step with what they are built from.

The index is rebuilt on every change, not once per transaction: the admin saves the article, then
its tags and authors, then each block inline, and the last of these leaves the final text behind.
An issue's save recomputes when its print-first articles open (its date or its embargo may have
changed; articles.embargo).
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag

from issues.models import Issue

from .models import Article, ArticleBlock, Author
from .search.index import search_index_update

# Saving only other fields (publish_now, a status change) leaves the indexed text as it was.
INDEXED_FIELDS = {"title", "subtitle", "lead", "interviewee_name", "access", "public_block_count"}


def connect():
    """Connect the receivers; called from ArticlesConfig.ready()."""
    post_save.connect(article_saved, sender=Article, dispatch_uid="search-article")
    post_save.connect(issue_saved, sender=Issue, dispatch_uid="embargo-issue")
    post_save.connect(block_changed, sender=ArticleBlock, dispatch_uid="search-block-save")
    post_delete.connect(block_changed, sender=ArticleBlock, dispatch_uid="search-block-delete")
    for through in (Article.authors.through, Article.tags.through):
        m2m_changed.connect(relations_changed, sender=through, dispatch_uid=f"search-m2m-{through.__name__}")
    for model in (Author, Tag):
        post_save.connect(name_saved, sender=model, dispatch_uid=f"search-name-save-{model.__name__}")
        pre_delete.connect(name_deleting, sender=model, dispatch_uid=f"search-name-pre-{model.__name__}")
        post_delete.connect(name_deleted, sender=model, dispatch_uid=f"search-name-post-{model.__name__}")


def reindex(article_ids):
    for article in Article.objects.filter(pk__in=list(article_ids)):
        search_index_update(article)


def articles_named(instance):
    """The ids of the articles whose index holds the name of this author or tag."""
    if isinstance(instance, Author):
        return list(instance.articles.values_list("pk", flat=True))
    return list(Article.objects.filter(tags=instance).values_list("pk", flat=True))


def issue_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # a restore brings each article's stored moment along
        Article.objects.openings_refresh([instance])


def article_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        # loaddata (a restore) brings the stored index along, then sets the m2m relations of the
        # same instance before the blocks are loaded: those must not rebuild it half-way.
        instance._search_loaded_raw = True
    elif update_fields is None or INDEXED_FIELDS.intersection(update_fields):
        search_index_update(instance)


def block_changed(sender, instance, raw=False, origin=None, **kwargs):
    # Deleting an article deletes its blocks first: nothing to index then.
    if raw or isinstance(origin, Article) or (isinstance(origin, QuerySet) and origin.model is Article):
        return
    reindex([instance.article_id])


def relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if isinstance(instance, Article):
        if action.startswith("post_") and not getattr(instance, "_search_loaded_raw", False):
            search_index_update(instance)
    elif isinstance(instance, Author) and reverse:
        if action == "pre_clear":
            instance._search_article_ids = articles_named(instance)
        elif action == "post_clear":
            reindex(instance.__dict__.pop("_search_article_ids", []))
        elif action in ("post_add", "post_remove"):
            reindex(pk_set or [])


def name_saved(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        reindex(articles_named(instance))


def name_deleting(sender, instance, **kwargs):
    instance._search_article_ids = articles_named(instance)


def name_deleted(sender, instance, **kwargs):
    reindex(instance.__dict__.pop("_search_article_ids", []))
