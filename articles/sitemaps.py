"""sitemap.xml: published articles, issues, sections and people, with the language versions as alternates."""

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import override

from issues.models import Issue, Section
from sitecache import depends_on, unrecorded

from .cache_topics import range_topic
from .models import Article, Author
from .paywall import opened_at


class ArticleSitemap(Sitemap):
    """Each article once, under its own language; its published translations are its alternates."""

    limit = 1000  # URLs per sitemap page: sitemap.xml is an index of pages

    def items(self):
        depends_on("list:all")
        return (
            Article.objects.published()
            .only("pk", "slug", "language", "translation_of", "updated_at", "access", "opens_at")
            .order_by("-publish_at", "-id")
        )

    def location(self, item):
        with override(item.language):
            return item.get_absolute_url()

    def lastmod(self, item):
        """The last edit, or the moment the article opened to everyone if that came later."""
        return max(filter(None, [item.updated_at, opened_at(item)]))

    def get_urls(self, page=1, site=None, protocol=None):
        # A page lists a thousand articles: kept, it depends on the ranges of their keys, not on a topic
        # per article, which every answer would check. An edit of a version (an alternate here) moves
        # the topics of all its versions (cache_topics.versions_of), so of this page's item too.
        with unrecorded():
            urls = super().get_urls(page=page, site=site, protocol=protocol)
            groups = translation_groups([url["item"] for url in urls])
        depends_on("list:all", *{range_topic(url["item"].pk) for url in urls})
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            item = url["item"]
            versions = groups.get(item.translation_of_id or item.pk, [])
            if len(versions) > 1:
                url["alternates"] = [
                    {"lang_code": version.language, "location": origin + self.location(version)}
                    for version in versions
                ]
                original = next((v for v in versions if v.translation_of_id is None), None)
                if original is not None:
                    url["alternates"].append(
                        {"lang_code": "x-default", "location": origin + self.location(original)}
                    )
        return urls


def translation_groups(items):
    """{original's pk: its published versions} for the groups of `items` that have a published
    translation."""
    roots = {item.translation_of_id or item.pk for item in items}
    published = Article.objects.published()
    translated = published.filter(translation_of__in=roots)
    versions = published.filter(
        Q(translation_of__in=roots) | Q(pk__in=translated.values("translation_of"))
    ).only("pk", "slug", "language", "translation_of")
    groups = defaultdict(list)
    for version in versions.order_by("language"):
        groups[version.translation_of_id or version.pk].append(version)
    return groups


class TranslatedPageSitemap(Sitemap):
    """A page that exists in every language: one entry per language, the others as alternates."""

    i18n = True
    alternates = True
    x_default = True


class IssueSitemap(TranslatedPageSitemap):
    def items(self):
        return Issue.objects.published()

    def lastmod(self, item):
        return item.updated_at


class SectionSitemap(TranslatedPageSitemap):
    def items(self):
        newest = Article.objects.published().filter(section=OuterRef("pk")).order_by("-updated_at")
        return Section.objects.annotate(newest_article_at=Subquery(newest.values("updated_at")[:1]))

    def lastmod(self, item):
        return item.newest_article_at


class PersonSitemap(TranslatedPageSitemap):
    """The page of every person with published work, in every language."""

    def items(self):
        published = Article.objects.published()
        newest = published.filter(Q(authors=OuterRef("pk")) | Q(interviewee=OuterRef("pk")))
        return (
            Author.objects.public()
            .annotate(newest_article_at=Subquery(newest.order_by("-updated_at").values("updated_at")[:1]))
            .only("pk", "slug")
            .order_by("name", "pk")
        )

    def lastmod(self, item):
        return item.newest_article_at


class PageSitemap(TranslatedPageSitemap):
    def items(self):
        return ["magazine:home", "magazine:issue-archive", "articles:people"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "issues": IssueSitemap,
    "sections": SectionSitemap,
    "people": PersonSitemap,
}
