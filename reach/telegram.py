"""The Telegram Bot API, as little of it as the channel needs: sendPhoto and sendMessage.

What a post says is built here from the public part of the article only (articles.paywall); the
hidden blocks of a print-first article are never loaded. Errors are sorted into those worth another
try (429 with its retry_after, 5xx, the network) and permanent ones (any other 4xx, e.g. 400).
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import escape

from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import override

from articles.paywall import public_summary
from issues.templatetags.magazine_tags import image_url

CAPTION_LIMIT = 1024  # characters of a photo's caption
MESSAGE_LIMIT = 4096  # characters of a message


class TelegramError(Exception):
    """The Bot API refused or could not be reached; `permanent` errors are not tried again."""

    def __init__(self, message, *, permanent=False, retry_after=None, status=None):
        super().__init__(message)
        self.permanent, self.retry_after, self.status = permanent, retry_after, status


def is_enabled():
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHANNEL)


def channel_for(language):
    """The channel of `language`'s articles, or "" when that language is not posted.

    TELEGRAM_CHANNEL is one channel for every language ("@magazine") or one per language
    ("uz=@magazine_uz,ru=@magazine_ru").
    """
    value = settings.TELEGRAM_CHANNEL.strip()
    if "=" not in value:
        return value
    channels = dict(part.strip().split("=", 1) for part in value.split(",") if "=" in part)
    return channels.get(language, "").strip()


def absolute(url):
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + "/" + url.lstrip("/")


def article_link(article):
    """The article's absolute address in its own language."""
    with override(article.language):
        return absolute(article.get_absolute_url())


def cover_link(article):
    """The public address of the article's cover (its social card), or "" without a cover."""
    if not article.cover:
        return ""
    return absolute(image_url({}, article.cover, article.cover_width, article.cover_focus))


def post_text(article, *, limit):
    """The post: title in bold, the public lead, the link; cut to `limit` characters at the lead."""
    title = f"<b>{escape(article.title)}</b>"
    link = escape(article_link(article))
    lead = public_summary(article)
    room = limit - len(title) - len(link) - 4  # the two blank lines between the three parts
    text, cut = "", room
    while lead and cut > 20:
        text = escape(Truncator(lead).chars(cut))
        if len(text) <= room:
            break
        text, cut = "", min(cut - 1, cut * room // len(text))  # escaping lengthened it: cut more
    lead = text
    return "\n\n".join(part for part in (title, lead, link) if part)


@dataclass
class Post:
    method: str
    payload: dict = field(default_factory=dict)


def post_for(article, channel):
    """The Bot API call that posts `article` to `channel`: a photo with a caption, else a message."""
    cover = cover_link(article)
    if cover:
        caption = post_text(article, limit=CAPTION_LIMIT)
        return Post(
            "sendPhoto", {"chat_id": channel, "photo": cover, "caption": caption, "parse_mode": "HTML"}
        )
    return message_for(article, channel)


def message_for(article, channel):
    text = post_text(article, limit=MESSAGE_LIMIT)
    return Post("sendMessage", {"chat_id": channel, "text": text, "parse_mode": "HTML"})


def call(method, payload):
    """POST `payload` to the Bot API's `method`; return its `result` or raise TelegramError.

    The token is part of the URL: it is never put into an error message.
    """
    url = f"{settings.TELEGRAM_API_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.TELEGRAM_TIMEOUT) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TelegramError(f"Telegram could not be reached: {type(reason).__name__}: {reason}") from None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        answer = {}
    if status == 200 and answer.get("ok"):
        return answer.get("result") or {}
    description = str(answer.get("description") or f"HTTP {status}")[:500]
    message = f"Telegram answered {status}: {description}"
    if status == 429:
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        retry_after = retry_after if isinstance(retry_after, int) and retry_after >= 0 else None
        raise TelegramError(message, retry_after=retry_after, status=status)
    if status >= 500 or status == 200:
        raise TelegramError(message, status=status)
    raise TelegramError(message, permanent=True, status=status)
