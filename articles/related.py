"""Related reading: what to read next under an article, chosen from what it shares with others."""

from django.db.models import Q
from django.db.models.functions import Coalesce

from magazine.cache import depends_on

from .models import SEARCH_COLUMNS, Article

RELATED_COUNT = 4


def related_articles(article, language, *, count=RELATED_COUNT):
    """Up to `count` other published articles sharing a tag, the section or a person with `article`:
    never it or one of its versions, one version of each, the reader's `language` first, newest first.

    Uses the article's prefetched tags and authors; costs one query for the list (and its prefetches).
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    people_ids = [person.pk for person in article.authors.all()]
    if article.interviewee_id:
        people_ids.append(article.interviewee_id)
    shared = Q()
    if tag_ids:
        shared |= Q(tags__in=tag_ids)
    if article.section_id:
        shared |= Q(section=article.section_id)
    if people_ids:
        shared |= Q(authors__in=people_ids) | Q(interviewee__in=people_ids)
    if not shared:
        return []
    depends_on(
        *(f"list:tag:{pk}" for pk in tag_ids),
        *(f"list:person:{pk}" for pk in people_ids),
        *([f"list:section:{article.section_id}"] if article.section_id else []),
    )
    own_root = article.translation_of_id or article.pk
    published = Article.objects.published()
    # Matching by version group: a translation may lack the tags its original carries.
    roots = published.filter(shared).annotate(root=Coalesce("translation_of", "pk")).values("root")
    candidates = (
        published.filter(Q(pk__in=roots) | Q(translation_of__in=roots))
        .exclude(Q(pk=own_root) | Q(translation_of=own_root))
        .for_language(language)
        .select_related("issue", "section", "interviewee")
        .prefetch_related("authors")
        .defer(*SEARCH_COLUMNS)
        .order_by("other_language", "-publish_at", "-id")
    )
    return list(candidates[:count])
