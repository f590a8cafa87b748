"""RSS 2.0 and Atom feeds of the whole site, a section or a tag, in the language of the URL's prefix.

An item carries what an anonymous reader may read: the whole text of a free article, the public
excerpt of a print-first one (articles.paywall). A reader's personal feed (ReaderFeed, behind the
secret address of readers.feed_keys) carries the whole text of what that reader may read; it is
one reader's own, so it is never kept in a shared cache (`reader_feed`).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext as _, override
from django.views.decorators.http import require_http_methods
from taggit.models import Tag

from guards.ratelimit import client_ip, hit
from issues.models import Section
from readers.cached import reader_with_grants
from readers.feed_keys import reader_id_for_feed_key
from sitecache import depends_on, mark_private

from .models import Article, ArticleBlock
from .paywall import (
    article_access,
    is_open_to_everyone,
    public_blocks,
    public_blocks_prefetch,
    public_summary,
)


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
        depends_on("list:all")
        articles = self.articles(obj).for_language(get_language()).for_listing()
        articles = articles.prefetch_related(public_blocks_prefetch())
        return articles.order_by("-publish_at", "-id")[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # `_whole_blocks`: loaded by ReaderFeed for the articles its reader may read whole.
        whole = getattr(item, "_whole_blocks", None)
        blocks = whole if whole is not None else public_blocks(item)
        context = {
            "article": item,
            "summary": public_summary(item),
            "blocks": blocks,
            "whole": whole is not None,
        }
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


class ReaderFeed(LatestArticlesFeed):
    """One reader's latest articles: the whole text of those the reader may read (articles.paywall),
    the public excerpt of the others, exactly as the site's feed gives it."""

    def get_object(self, request, key):
        reader_id = reader_id_for_feed_key(key)
        # The reader with their grants from the shared cache (rows, never text): a fixed cost.
        reader = reader_with_grants(reader_id) if reader_id is not None else None
        if reader is None:
            raise Http404
        return reader

    def description(self, obj):
        return _("New articles of the quarterly journal Regional Security, with the whole text you may read.")

    def items(self, obj):
        items = list(super().items(obj))
        # Only the articles this reader may read whole, and that anyone may not, load their hidden blocks.
        whole = [
            item for item in items if not is_open_to_everyone(item) and article_access(item, reader=obj).whole
        ]
        blocks = ArticleBlock.objects.order_by("position", "id")
        prefetch_related_objects(whole, Prefetch("blocks", queryset=blocks, to_attr="_whole_blocks"))
        return items


reader_rss = ReaderFeed()


def private_headers(response):
    """One reader's answer: no shared or browser cache keeps it, no search engine lists it, and the
    secret address never leaves in a Referer."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    # A feed reader's If-Modified-Since must not keep text after access has changed (no 304 by date).
    del response["Last-Modified"]
    return response


@require_http_methods(["GET", "HEAD"])
def reader_feed(request, key):
    """The personal RSS feed at a reader's secret address; 404 for an unknown or reset address."""
    mark_private(request)  # never stored by the page cache (sitecache)
    window = settings.READERS_FEED_WINDOW
    if not hit("readers-feed-ip", client_ip(request), limit=settings.READERS_FEED_PER_IP, window=window):
        response = HttpResponse(_("Too many requests. Please try again later."), status=429)
        response["Retry-After"] = str(window)
        response["Content-Type"] = "text/plain; charset=utf-8"
        return private_headers(response)
    try:
        response = reader_rss(request, key=key)
    except Http404:
        response = render(request, "404.html", status=404)
    return private_headers(response)
