"""Tags of articles: taggit's manager without its cost inside prefetch_related("tags"), and the rule that
every tag has a web address (checked on every save of a tag, and by the form field for tag names)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField
from taggit.managers import _TaggableManager
from taggit.models import Tag

from issues.converters import UnicodeSlugConverter


class ArticleTagManager(_TaggableManager):
    """`article.tags`, building its filtered query only when it is really run.

    While Django fills a prefetched list (`prefetch_related("tags")`), it asks every article's
    manager for a queryset and then replaces its rows with the prefetched ones; taggit builds the
    full join filter each time, which costs more than the whole prefetch query on a page of 80
    cards. Here the filter is deferred the way Django's own related managers defer theirs.
    """

    def get_queryset(self, extra_filters=None):
        try:
            return self.instance._prefetched_objects_cache[self.prefetch_cache_name]
        except (AttributeError, KeyError):
            pass
        if extra_filters or self.instance is None:
            return super().get_queryset(extra_filters)
        through, model = self.through, self.model._meta.concrete_model
        relation = through.tag_relname()
        tags = through.tag_model()._default_manager.distinct().order_by(*self.ordering)
        tags._defer_next_filter = True
        return tags.filter(
            **{
                f"{relation}__content_type__app_label": model._meta.app_label,
                f"{relation}__content_type__model": model._meta.model_name,
                f"{relation}__object_id": self.instance.pk,
            }
        )


URL_SLUG = re.compile(UnicodeSlugConverter.regex)


def tag_has_url(slug):
    """True if a tag page can be addressed by `slug` (what the tag URL's converter accepts)."""
    return bool(URL_SLUG.fullmatch(slug or ""))


def name_without_url(name):
    """True if a new tag named `name` would get no usable slug ("[]", "!!!")."""
    return not tag_has_url(Tag().slugify(name))


def refuse_tag_without_url(sender, instance, raw=False, **kwargs):
    """pre_save of Tag: a tag whose page cannot be addressed is never stored, whoever makes it.

    A restore (raw) writes back what the backup holds; tag links are guarded in the templates.
    """
    if not raw and not tag_has_url(instance.slug):
        raise ValidationError(
            _("The tag “%(name)s” cannot have a web address: use letters or digits in its name."),
            code="tag_without_url",
            params={"name": instance.name},
        )


class TagNamesField(TagField):
    """Tag names as django-taggit parses them, refusing names no tag page could be made for."""

    def clean(self, value):
        names = super().clean(value)
        existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
        refused = [name for name in names if name not in existing and name_without_url(name)]
        if refused:
            raise ValidationError(
                _("These tags cannot have a web address: %(names)s. Use letters or digits in them."),
                code="tag_without_url",
                params={"names": ", ".join(refused)},
            )
        return names
