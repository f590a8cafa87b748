"""Related reading: what to read next under an article, chosen from what it shares with others."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from sitecache import depends_on

from .models import SEARCH_COLUMNS, Article, versions_for_language

RELATED_COUNT = 4
# How many of the newest related version groups are weighed (the reader's language first among them).
GROUPS_LOOKED_AT = 40


def related_articles(article, language, *, count=RELATED_COUNT):
    """Up to `count` other published articles sharing a tag, the section or a person with `article`:
    never it or one of its versions, one version of each, the reader's `language` first, newest first.

    Uses the article's prefetched tags and authors; costs three queries: the versions of the newest
    related groups (light rows), the chosen ones, their authors.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    people_ids = [person.pk for person in article.authors.all()]
    if article.interviewee_id:
        people_ids.append(article.interviewee_id)
    # Subqueries rather than joins: the newest articles are walked in order until enough share something
    # (each subquery is hashed once; uncorrelated, they also cost less to build than EXISTS).
    shared = Q()
    if tag_ids:
        article_type = ContentType.objects.get_for_model(Article)
        tagged = TaggedItem.objects.filter(tag_id__in=tag_ids, content_type=article_type)
        shared |= Q(pk__in=tagged.values("object_id"))
    if article.section_id:
        shared |= Q(section=article.section_id)
    if people_ids:
        authored = Article.authors.through.objects.filter(author_id__in=people_ids)
        shared |= Q(pk__in=authored.values("article_id")) | Q(interviewee__in=people_ids)
    if not shared:
        return []
    depends_on(
        *(f"list:tag:{pk}" for pk in tag_ids),
        *(f"list:person:{pk}" for pk in people_ids),
        *([f"list:section:{article.section_id}"] if article.section_id else []),
    )
    own_root = article.translation_of_id or article.pk
    published = Article.objects.published()
    # Matching by version group: a translation may lack the tags its original carries. Only the
    # newest related groups are weighed: the newest articles are walked in order (no sort of a whole
    # section), then their versions: the originals by primary key and the translations by their
    # original, each through an index (one query; one subquery joined by OR would scan the table).
    newest = (
        published.filter(shared)
        .exclude(Q(pk=own_root) | Q(translation_of=own_root))
        .annotate(root=Coalesce("translation_of", "pk"))
        .order_by("-publish_at", "-id")
        .values_list("root", flat=True)[:GROUPS_LOOKED_AT]
    )
    # Compiled once: the ORM would compile it again for each half of the union.
    newest = RawSQL(*newest.query.sql_with_params())
    columns = ("pk", "translation_of_id", "language", "publish_at")
    originals = published.filter(pk__in=newest).order_by().values_list(*columns, named=True)
    translations = published.filter(translation_of__in=newest).order_by().values_list(*columns, named=True)
    # Light rows for the choice; only the chosen are loaded whole (and so recorded as shown).
    chosen = [row.pk for row in versions_for_language(originals.union(translations), language)[:count]]
    if not chosen:
        return []
    loaded = Article.objects.filter(pk__in=chosen).select_related("issue", "section", "interviewee")
    loaded = {version.pk: version for version in loaded.defer(*SEARCH_COLUMNS).prefetch_related("authors")}
    return [loaded[pk] for pk in chosen]
