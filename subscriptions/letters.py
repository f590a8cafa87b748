"""Letters to subscribers: multipart (text and HTML), from templates, in the subscriber's language.

Every link is absolute, built on SITE_URL, because a letter is read far from any request.
"""

import html
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from images.processing import rendition_name, rendition_widths

from .tokens import confirm_token_make, unsubscribe_token_make

# Announcements are rendered once per language; each letter then only swaps in its own link.
UNSUBSCRIBE_PLACEHOLDER = "__unsubscribe_url__"
SITE_RELATIVE = re.compile(r'\b(href|src)="/(?!/)')


def absolute_url(path):
    return path if "://" in path else f"{settings.SITE_URL}{path}"


def render_letter(name, context):
    """(subject, text, html) from subscriptions/email/<name>_subject.txt, _body.txt and _body.html."""
    subject = render_to_string(f"subscriptions/email/{name}_subject.txt", context)
    return (
        " ".join(subject.split()),  # one line, whatever the template or the data hold
        render_to_string(f"subscriptions/email/{name}_body.txt", context),
        render_to_string(f"subscriptions/email/{name}_body.html", context),
    )


def multipart(subject, text, html_body, *, to, headers=None):
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    message.attach_alternative(html_body, "text/html")
    return message


def confirmation_parts(subscriber):
    """(subject, text, html) of the confirmation letter, in the subscriber's language."""
    with translation.override(subscriber.language):
        token = confirm_token_make(subscriber)
        context = {
            "subscriber": subscriber,
            "site_url": settings.SITE_URL,
            "confirm_url": absolute_url(reverse("subscriptions:confirm", kwargs={"token": token})),
            "valid_days": max(1, settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE // 86400),
        }
        return render_letter("confirm", context)


def confirmation_letter(subscriber):
    return multipart(*confirmation_parts(subscriber), to=subscriber.email)


class URIListHeader(str):
    """A header value of <URI>s that is folded only between its URIs, never inside one.

    Python's email package folds any line longer than 78 characters, and folds a long URL by turning
    it into RFC 2047 encoded-words, which mail clients do not decode inside <>: the one-click link
    would be lost. An object with `name` and `fold()` is written as it folds itself.
    """

    def __new__(cls, name, uris):
        if any(not uri.isprintable() or " " in uri or len(uri) > 990 for uri in uris):
            raise ValueError("A header URI must be one printable line without spaces.")
        value = super().__new__(cls, ", ".join(f"<{uri}>" for uri in uris))
        value.name, value.uris = name, list(uris)
        return value

    def __getnewargs__(self):  # copy and pickle (the locmem backend deep-copies each message)
        return (self.name, self.uris)

    def fold(self, *, policy):
        return f"{self.name}: " + f",{policy.linesep} ".join(f"<{uri}>" for uri in self.uris) + policy.linesep


def unsubscribe_headers(url):
    """RFC 2369 and RFC 8058 headers: mail clients show an 'Unsubscribe' button that POSTs to `url`."""
    uris = [url]
    if settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO:
        uris.append(f"mailto:{settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe")
    return {
        "List-Unsubscribe": URIListHeader("List-Unsubscribe", uris),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def issue_contents(issue, language):
    """The issue's published articles, one version each (the reader's language first), in print order."""
    return (
        issue.articles.published()
        .for_language(language)
        .for_listing()
        .order_by("section__position", "section__id", "position", "id")
    )


def issue_cover_url(issue):
    if not issue.cover:
        return ""
    width = rendition_widths(issue.cover_width)[0]  # the smallest rendition: a letter shows it small
    return absolute_url(issue.cover.storage.url(rendition_name(issue.cover.name, width)))


class AnnouncementLetters:
    """The announcement letters of one issue, rendered once per language and personalized per subscriber."""

    def __init__(self, announcement):
        self.issue = announcement.issue
        self._rendered = {}
        self._unsubscribe_urls = {}

    def letter(self, subscriber):
        subject, text, html_body = self.rendered(subscriber.language)
        url = self.unsubscribe_url(subscriber)
        return multipart(
            subject,
            text.replace(UNSUBSCRIBE_PLACEHOLDER, url),
            html_body.replace(UNSUBSCRIBE_PLACEHOLDER, html.escape(url)),
            to=subscriber.email,
            headers=unsubscribe_headers(url),
        )

    def unsubscribe_url(self, subscriber):
        """The subscriber's own unsubscribe link (the URL resolved once per language, the token put in)."""
        language = subscriber.language
        if language not in self._unsubscribe_urls:
            with translation.override(language):
                path = reverse("subscriptions:unsubscribe", kwargs={"token": UNSUBSCRIBE_PLACEHOLDER})
            self._unsubscribe_urls[language] = absolute_url(path)
        return self._unsubscribe_urls[language].replace(
            UNSUBSCRIBE_PLACEHOLDER, unsubscribe_token_make(subscriber)
        )

    def rendered(self, language):
        if language not in self._rendered:
            with translation.override(language):
                note = SITE_RELATIVE.sub(rf'\1="{settings.SITE_URL}/', self.issue.description_display)
                context = {
                    "issue": self.issue,
                    "site_url": settings.SITE_URL,
                    "issue_url": absolute_url(self.issue.get_absolute_url()),
                    "cover_url": issue_cover_url(self.issue),
                    "articles": list(issue_contents(self.issue, language)),
                    "note_html": note,
                    "note_text": html.unescape(strip_tags(note)).strip(),
                    "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
                }
                self._rendered[language] = render_letter("announcement", context)
        return self._rendered[language]


def announcement_preview(announcement, language):
    """(subject, text, html) of the announcement as a subscriber reading `language` gets it.

    Its unsubscribe link is one that cannot unsubscribe anybody (the page says the link is invalid).
    """
    subject, text, html_body = AnnouncementLetters(announcement).rendered(language)
    with translation.override(language):
        url = absolute_url(reverse("subscriptions:unsubscribe", kwargs={"token": "preview"}))
    html_body = html_body.replace(UNSUBSCRIBE_PLACEHOLDER, html.escape(url))
    return subject, text.replace(UNSUBSCRIBE_PLACEHOLDER, url), html_body
