"""Related reading: what to read next under an article, chosen from what it shares with others."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from issues.prepared import Prepared
from sitecache import depends_on

from .models import CARD_COLUMNS, ISSUE_COLUMNS, Article, versions_for_language

RELATED_COUNT = 4
# How many of the newest related version groups are weighed (the reader's language first among them).
GROUPS_LOOKED_AT = 40


def related_articles(article, language, *, count=RELATED_COUNT):
    """Up to `count` other published articles sharing a tag, the section or a person with `article`:
    never it or one of its versions, one version of each, the reader's `language` first, newest first.

    Rows of the card's columns (as `for_cards()` gives them: articles.cards records them as shown),
    not Article instances. Uses the article's prefetched tags and authors; costs two queries: the
    newest related groups, then their versions with their cards' columns (the cards load their
    authors in one more: `related_cards`).
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    people_ids = [person.pk for person in article.authors.all()]
    if article.interviewee_id:
        people_ids.append(article.interviewee_id)
    if not (tag_ids or article.section_id or people_ids):
        return []
    depends_on(
        *(f"list:tag:{pk}" for pk in tag_ids),
        *(f"list:person:{pk}" for pk in people_ids),
        *([f"list:section:{article.section_id}"] if article.section_id else []),
    )
    roots = NEWEST_RELATED(
        tags=tag_ids,
        section=article.section_id,
        people=people_ids,
        root=article.translation_of_id or article.pk,
    )
    rows = [Version(values) for values in VERSIONS(roots=sorted(set(roots)))] if roots else []
    return [row.values for row in versions_for_language(rows, language)[:count]]


class Version:
    """A row of values as `versions_for_language` reads an article (pk, language, group, date)."""

    __slots__ = ("values", "pk", "translation_of_id", "language", "publish_at")

    def __init__(self, values):
        self.values, self.pk = values, values["id"]
        self.translation_of_id, self.language = values["translation_of_id"], values["language"]
        self.publish_at = values["publish_at"]


def newest_related(now, *, tags, section, people, root):
    """The version groups (their originals' keys) of the newest GROUPS_LOOKED_AT published articles
    sharing a tag, the section or a person with the group `root` (compiled once: NEWEST_RELATED)."""
    # Subqueries rather than joins: the newest articles are walked in order until enough share something
    # (each subquery is hashed once; uncorrelated, they also cost less to build than EXISTS).
    shared = Q()
    if tags:
        article_type = ContentType.objects.get_for_model(Article)
        tagged = TaggedItem.objects.filter(tag_id__in=tags, content_type=article_type)
        shared |= Q(pk__in=tagged.values("object_id"))
    if section is not None:
        shared |= Q(section=section)
    if people:
        authored = Article.authors.through.objects.filter(author_id__in=people)
        shared |= Q(pk__in=authored.values("article_id")) | Q(interviewee__in=people)
    # Matching by version group: a translation may lack the tags its original carries. Only the
    # newest related groups are weighed: the newest articles are walked in order (no sort of a whole
    # section).
    return (
        Article.objects.published(now)
        .filter(shared)
        .exclude(Q(pk=root) | Q(translation_of=root))
        .annotate(root=Coalesce("translation_of", "pk"))
        .order_by("-publish_at", "-id")
        .values_list("root", flat=True)[:GROUPS_LOOKED_AT]
    )


def group_versions(now, *, roots):
    """The published versions of the groups `roots` with their cards' columns: the originals by
    primary key and the translations by their original, each through an index (VERSIONS)."""
    columns = (*CARD_COLUMNS, *ISSUE_COLUMNS, "translation_of_id", "publish_at")
    return (
        Article.objects.published(now).filter(Q(pk__in=roots) | Q(translation_of__in=roots)).values(*columns)
    )


# Two queries, each simple to plan: one query of both (the groups as a subquery of a union) cost
# PostgreSQL twice as much, most of it planning.
NEWEST_RELATED = Prepared(newest_related)
VERSIONS = Prepared(group_versions)
