"""RSS 2.0 and Atom feeds of the whole site, a section or a tag, in the language of the URL's prefix.

An item carries what an anonymous reader may read: the whole text of a free article, the public
excerpt of a print-first one (articles.paywall).
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext as _, override
from taggit.models import Tag

from magazine.models import Section

from .models import Article
from .paywall import public_blocks, public_blocks_prefetch, public_summary


class LatestArticlesFeed(Feed):
    limit = 30

    def title(self, obj):
        return _("Regional Security")

    def link(self, obj):
        return reverse("magazine:home")

    def description(self, obj):
        return _("New articles of the quarterly journal Regional Security.")

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        articles = self.articles(obj).for_language(get_language()).for_listing()
        articles = articles.prefetch_related(public_blocks_prefetch())
        return articles.order_by("-publish_at", "-id")[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        context = {"article": item, "summary": public_summary(item), "blocks": public_blocks(item)}
        return render_to_string("articles/_feed_item.html", context)

    def item_link(self, item):
        with override(item.language):
            return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.authors.all()) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{_('Regional Security')}: {obj.name_display}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return _("New articles in the section “%(name)s”.") % {"name": obj.name_display}

    def articles(self, obj):
        return Article.objects.published().filter(section=obj)


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj):
        return f"{_('Regional Security')}: {obj.name}"

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def description(self, obj):
        return _("New articles tagged “%(name)s”.") % {"name": obj.name}

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class LatestArticlesAtomFeed(AtomMixin, LatestArticlesFeed):
    pass


class SectionAtomFeed(AtomMixin, SectionFeed):
    pass


class TagAtomFeed(AtomMixin, TagFeed):
    pass
