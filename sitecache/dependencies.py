"""What a saved or deleted row makes stale: the one invalidation path (signal receivers).

Every post_save, post_delete and m2m_changed of a model of a reader-visible app (PAGE_CACHE_APPS)
comes here. A model registered with `register_topics(Model, topics_of)` moves the topics
`topics_of(instance, created=…, deleted=…)` names; any other model of those apps moves SITE, so a
model nobody thought about is never served stale. Models that readers never see register an empty
list (revisions, autosaves).
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import models

from sitecache.topics import SITE, changed, depends_on

# model -> topics_of(instance, **kwargs): the topics a change of one of its rows moves.
TopicsOf = Callable[..., Iterable[str]]
_registry: dict[type[models.Model], TopicsOf] = {}


def register_topics(model: type[models.Model], topics_of: TopicsOf) -> None:
    """`topics_of(instance, **kwargs)` names what a change of `instance` (a row of `model`) makes stale."""
    _registry[model] = topics_of


def topics_for(sender, instance, **kwargs):
    topics_of = _registry.get(sender)
    if topics_of is None:
        return [SITE] if sender._meta.app_label in settings.PAGE_CACHE_APPS else []
    return topics_of(instance, **kwargs)


def model_changed(sender, instance=None, raw=False, **kwargs):
    """Signal receiver (post_save, post_delete, m2m_changed): move the topics of the changed row."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only once the relation has changed
    if topics := topics_for(sender, instance, **kwargs):
        changed(*topics)


class RowsShownInCache:
    """Model mixin: a cached piece that loads a row depends on its topic `<cache_topic>:<pk>`.

    So a page depends on every article (or person) it shows, wherever it was loaded: its own text,
    the cards of a list, related reading.
    """

    cache_topic: str = ""  # "article", "person": set by the model

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        depends_on(f"{cls.cache_topic}:{instance.pk}")
        return instance
