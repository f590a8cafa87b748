"""schema.org data for an article page, built only from what the paywall lets anyone read."""

from django.urls import reverse
from django.utils.translation import gettext as _, override

from images.processing import rendition_name, rendition_widths

from .paywall import is_paywalled, public_summary


def person_url(person, article, request):
    """The absolute URL of `person`'s page in the article's language."""
    with override(article.language):
        return request.build_absolute_uri(person.get_absolute_url())


def article_json_ld(article, request):
    """A NewsArticle as anyone may read it: a closed print-first one says it is not free and where the
    paywalled part sits; once its embargo has passed it is free like any other."""
    with override(article.language):
        url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": public_summary(article),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": article.language,
        "datePublished": article.publish_at,
        "dateModified": article.updated_at,
        "author": [
            {"@type": "Person", "name": author.name, "url": person_url(author, article, request)}
            for author in article.authors.all()
        ],
        "publisher": {"@type": "Organization", "name": _("Regional Security")},
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.cover:
        largest = max(rendition_widths(article.cover_width))
        data["image"] = request.build_absolute_uri(
            article.cover.storage.url(rendition_name(article.cover.name, largest))
        )
    if article.section_id:
        data["articleSection"] = article.section.name_display
    if article.issue_id:
        data["isPartOf"] = {
            "@type": "PublicationIssue",
            "issueNumber": article.issue.numbers,
            "datePublished": article.issue.published_on or article.issue.year,
            "url": request.build_absolute_uri(article.issue.get_absolute_url()),
            "isPartOf": {
                "@type": "Periodical",
                "name": _("Regional Security"),
                "url": request.build_absolute_uri(reverse("magazine:home")),
            },
        }
    if is_paywalled(article):
        data["isAccessibleForFree"] = False
        data["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"}
    else:
        data["isAccessibleForFree"] = True
    return data
