"""Comment text is plain text: this module finds its links and turns it into safe HTML."""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

URL_PATTERN = re.compile(r"https?://[^\s<>\"'`\x00-\x1f\x7f]+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,:;!?'\"»”)]}"
LINK_REL = "nofollow ugc noopener"


def find_urls(text):
    """The http(s) addresses in `text`, as (start, end) spans, without trailing punctuation."""
    spans = []
    for match in URL_PATTERN.finditer(text):
        url = match.group(0)
        while url and url[-1] in TRAILING_PUNCTUATION:
            # Keep a closing parenthesis that closes one inside the address (Wikipedia links).
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if "://" in url and not url.endswith("://"):
            spans.append((match.start(), match.start() + len(url)))
    return spans


def render_comment_text(text):
    """Escape everything, link http(s) addresses with rel="nofollow ugc noopener", keep line breaks."""
    parts, position = [], 0
    for start, end in find_urls(text):
        url = text[start:end]
        parts.append(escape(text[position:start]))
        parts.append(format_html('<a href="{}" rel="{}">{}</a>', url, LINK_REL, url))
        position = end
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\r", "\n")
    return mark_safe(html.replace("\n", "<br>"))
