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
MARKER = re.compile(rb"<!--reach:most-read:([a-z]{2,5})-->")


def most_read_marker(language):
    return f"<!--reach:most-read:{language}-->"


class MostReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code.encode() for code, _name in settings.LANGUAGES}

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
        if response.get("Content-Type", "").startswith("text/html"):
            self.fill_in(response)
        return response

    def fill_in(self, response):
        match = MARKER.search(response.content)
        if match is None or match[1] not in self.languages:
            return
        html = reads.most_read_html(match[1].decode()).encode(response.charset)
        content = response.content
        response.content = content[: match.start()] + html + content[match.end() :]
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
