"""Most read, at the edge of the page cache: counting reads and filling in the sidebar's list.

This middleware sits just above sitecache.PageCacheMiddleware, so it sees every answer, those
served from the page cache included. The sidebar (one fragment kept per content version) holds only
a marker where the list goes; the list is put in here, from the piece of HTML the last fold left in
the shared cache (reads.most_read_html). Stored pages and fragments therefore stay shared and are
never made cold by the list, the list costs no query, and it is as fresh as the last fold. Nothing
here reads the visitor but the user agent and the prefetch headers; nothing about them is stored.
"""

import logging
import re

from django.conf import settings

from . import reads

logger = logging.getLogger(__name__)
MARKER = "<!--reach:most-read:[a-z]{2,5}-->"  # registered with sitecache.register_fill


def most_read_marker(language):
    return f"<!--reach:most-read:{language}-->"


def most_read_for(marker):
    """What goes where `marker` stands: the list of its language, or the marker for another language."""
    language = marker.removeprefix("<!--reach:most-read:").removesuffix("-->")
    known = any(code == language for code, _name in settings.LANGUAGES)
    return reads.most_read_html(language) if known else marker


class MostReadMiddleware:
    """Count reads; fill in the list where an answer not kept whole still holds its marker (the page
    cache fills those it serves: `sitecache.register_fill`)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.marker = re.compile(MARKER.encode())

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        try:
            if (
                request.method == "GET"
                and (slug := reads.article_slug(request.path_info))
                and reads.is_reader(request)
            ):
                reads.read_count(slug)
        except Exception:  # the cache away: the read is lost, the page is not
            logger.warning("A read could not be counted.", exc_info=True)
        if response.get("Content-Type", "").startswith("text/html") and not response.has_header(
            "Content-Encoding"
        ):
            self.fill_in(response)
        return response

    def fill_in(self, response):
        match = self.marker.search(response.content)
        if match is None:
            return
        html = most_read_for(match[0].decode()).encode(response.charset)
        content = response.content
        response.content = content[: match.start()] + html + content[match.end() :]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
