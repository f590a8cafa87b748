"""Which cached pieces an article's change makes stale (sitecache: topics and dependencies).

- `article:<pk>` of the article and of each of its language versions: its page, its versions'
  pages (their language switcher) and every card of it, wherever shown;
- `articles:<n>` with every `article:<pk>`, n being pk // RANGE: what shows a thousand articles at
  once (a sitemap page) depends on the ranges of their keys rather than on each article;
- `search` when the article, its blocks, tags or people change (the index is rebuilt);
- `list:…` of the issue, section, tags, people it is or was in, and `list:all`, only when it
  enters, leaves or moves in lists: a change of a listing field (status, time, issue, section,
  position, language, …), a tag or person added or removed, a new or deleted article. An edit of
  the text, title or cover alone leaves every other article's page warm.
"""

from functools import wraps

from django.db.models import Q
from django.db.models.signals import post_delete

from sitecache import SITE, register_boundary, register_topics

from .models import Article, ArticleBlock, Author

# Fields that change only what the article's own page and cards show (under `article:<pk>`);
# a change of any other field may move the article in or out of lists.
CONTENT_FIELDS = {
    "title",
    "subtitle",
    "slug",
    "lead",
    "interviewee_name",
    "interviewee_position",
    "cover",
    "cover_width",
    "cover_height",
    "cover_alt",
    "cover_caption",
    "cover_credit",
    "cover_focus_x",
    "cover_focus_y",
    "access",
    "public_block_count",
    "paywall_note",
    "comments_open",
    "opens_at",
    "search_text",
    "full_search_text",
    # Written by the index after the save: an instance holds what it loaded or nothing, never what
    # is stored, so counting them as listing fields made every save on PostgreSQL move `list:all`.
    "search_vector",
    "full_search_vector",
    "created_at",
    "updated_at",
}


RANGE = 1000


def range_topic(pk):
    """The topic of the range of article keys `pk` is in (moved with the article's own topic)."""
    return f"articles:{pk // RANGE}"


def with_ranges(topics_of):
    """`topics_of`, plus the range topic of every article whose own topic it names."""

    @wraps(topics_of)
    def topics(*args, **kwargs):
        found = set(topics_of(*args, **kwargs))
        pks = [int(topic.removeprefix("article:")) for topic in found if topic.startswith("article:")]
        return found | {range_topic(pk) for pk in pks}

    return topics


def listing_fields():
    return [f.attname for f in Article._meta.concrete_fields if f.name not in CONTENT_FIELDS]


def versions_of(article):
    """The topics of the article and of every language version of it."""
    root = article.translation_of_id or article.pk
    pks = Article.objects.filter(Q(pk=root) | Q(translation_of=root)).values_list("pk", flat=True)
    return {f"article:{pk}" for pk in [article.pk, root, *pks]}


def lists_of(article_pks):
    """The list topics of these articles' issues, sections, tags and people (one query each)."""
    topics = {"list:all"}
    rows = Article.objects.filter(pk__in=article_pks)
    for issue, section, interviewee in rows.values_list("issue_id", "section_id", "interviewee_id"):
        topics.update(f"list:{kind}:{pk}" for kind, pk in [("issue", issue), ("section", section)] if pk)
        if interviewee:
            topics.add(f"list:person:{interviewee}")
    topics.update(f"list:tag:{pk}" for pk in rows.values_list("tags", flat=True) if pk)
    topics.update(f"list:person:{pk}" for pk in rows.values_list("authors", flat=True) if pk)
    return topics


def remember_listing(sender, instance, raw=False, **kwargs):
    """pre_save: the article's listing fields as stored, to tell afterwards whether it moved in lists."""
    if not raw and instance.pk:
        instance._listing_before = Article.objects.filter(pk=instance.pk).values(*listing_fields()).first()


def article_topics(instance, created=False, **kwargs):
    topics = versions_of(instance) | {"search"}
    before = getattr(instance, "_listing_before", None)
    fields = listing_fields()
    moved = created or before is None or any(before[name] != getattr(instance, name) for name in fields)
    if moved:
        topics |= lists_of([instance.pk])
        if instance.is_sponsored or (before and before.get("is_sponsored")):
            topics.add("list:sponsored")
        for kind, field in (("issue", "issue_id"), ("section", "section_id"), ("person", "interviewee_id")):
            if before and before.get(field):
                topics.add(f"list:{kind}:{before[field]}")
    return topics


def deleted_article_topics(instance, **kwargs):
    """post_delete: its relations are gone; the ids on the instance still say where it was."""
    topics = {f"article:{instance.pk}", "search", "list:all", "list:sponsored"}
    if instance.translation_of_id:
        topics.add(f"article:{instance.translation_of_id}")
    for kind, pk in (("issue", instance.issue_id), ("section", instance.section_id)):
        if pk:
            topics.add(f"list:{kind}:{pk}")
    return topics


def article_change_topics(instance, signal=None, **kwargs):
    if signal is post_delete:
        return deleted_article_topics(instance)
    return article_topics(instance, **kwargs)


def block_topics(instance, **kwargs):
    return {f"article:{instance.article_id}", "search"}


def relation_topics(kind, article_field, other_field):
    """An article's tags or authors changed: m2m_changed from either side, or a row of the relation
    saved or deleted (taggit's TaggedItem; the authors' table when an article or person is deleted)."""

    def topics_of(instance, action=None, pk_set=None, reverse=False, **kwargs):
        if action is None:
            articles, others = [getattr(instance, article_field)], [getattr(instance, other_field)]
        elif action.endswith("_clear"):
            return {SITE}  # which ones were cleared is not told: any list of that kind may differ
        elif not pk_set:
            return set()  # nothing added or removed (the admin sets an unchanged list of people)
        elif reverse:
            articles, others = pk_set or [], [instance.pk]
        else:
            articles, others = [instance.pk], pk_set or []
        topics = {f"article:{pk}" for pk in articles} | {f"list:{kind}:{pk}" for pk in others}
        return topics | {"list:all", "search"}

    return topics_of


def tag_topics(instance, **kwargs):
    """A tag renamed: its list and the articles that show it."""
    tagged = Article.objects.filter(tags=instance).values_list("pk", flat=True)
    return {f"list:tag:{instance.pk}", "list:all", "search", *(f"article:{pk}" for pk in tagged)}


def person_topics(instance, **kwargs):
    return {f"person:{instance.pk}", "search"}


def publication_topics(start, end):
    """The topics of the articles published or opened to everyone between `start` and `end`."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    pks = list(
        published.filter(
            Q(publish_at__gte=start, publish_at__lte=end) | Q(opens_at__gte=start, opens_at__lte=end)
        ).values_list("pk", flat=True)
    )
    if not pks:
        return set()
    return {f"article:{pk}" for pk in pks} | lists_of(pks) | {"search", "list:sponsored"}


def connect():
    """Register the articles' topics with the cache; called from ArticlesConfig.ready()."""
    from django.db.models.signals import pre_save
    from taggit.models import Tag, TaggedItem

    pre_save.connect(remember_listing, sender=Article, dispatch_uid="cache-listing-before")
    register_topics(Article, with_ranges(article_change_topics))
    register_topics(ArticleBlock, with_ranges(block_topics))
    register_topics(Author, person_topics)
    register_topics(Tag, with_ranges(tag_topics))
    register_topics(TaggedItem, with_ranges(relation_topics("tag", "object_id", "tag_id")))
    authors = relation_topics("person", "article_id", "author_id")
    register_topics(Article.authors.through, with_ranges(authors))
    register_boundary(Article.objects.next_publication, with_ranges(publication_topics))
    register_boundary(Article.objects.next_opening, with_ranges(publication_topics))
