"""The page cache: whole answers to anonymous readers, kept while what they show is unchanged.

Only requests that carry no cookies but the CSRF and language ones are served from or stored in the
page cache: an editor, a visitor with a session (a pending comment, a message, a signed-in reader)
or a remembered comment author never gets or leaves a shared page. A view whose answer belongs to
one visitor says so with `mark_private(request)`. CSRF tokens (and other fresh fields) are cut out
before storing and put back fresh for each visitor, so a cached form still posts.
"""

import re
import secrets
import struct
import zlib
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware, re_accepts_gzip
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape

from sitecache.store import FORMAT, LocalCopies, current_entries, digest, keep, kept, request_host
from sitecache.topics import Recording, close_request, open_request, topics_read

CSRF_FIELD_NAME = "csrfmiddlewaretoken"
# Form fields whose value belongs to one visitor ({name: make(request)}): cut out of everything shared
# and made fresh for each visitor. Only a whole `name="…" value="…"` pair is recognised, which
# escaped text (a comment, a link) cannot contain: its quotes are entities.
_fresh_fields = {CSRF_FIELD_NAME: get_token}
FRESH = "\x00fresh\x00"
# Headers the page cache sets itself on every answer, or that belong to one visitor.
UNSTORED_HEADERS = {"etag", "cache-control", "expires", "x-page-cache", "set-cookie", "content-length"}


def mark_private(request):
    """Declare the answer to `request` one visitor's own (a reader's whole text, a reader's account).

    The page cache does not store it, and it goes out with `Cache-Control: private, no-cache`, so no
    proxy or shared cache keeps it either. Call it from a view, a template tag or a middleware, at
    any point before the answer leaves. (Such a request is never answered from the page cache in the
    first place: it carries a session cookie, which `is_cacheable_request` refuses.)
    """
    request._has_private_content = True


def is_private(request):
    return getattr(request, "_has_private_content", False)


def bypass_page_cache(request):
    """Neither answer `request` from the page cache nor store its answer: its pages differ from
    everyone's though it carries no cookie (a visitor from an institution's network, whose article
    pages are whole). Call it from a middleware above PageCacheMiddleware."""
    request._bypasses_page_cache = True


def is_cacheable_request(request, *, cookies=()):
    """Whether the page cache may answer `request` (a GET carrying no cookie but the CSRF and
    language ones, and `cookies`)."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if getattr(request, "_bypasses_page_cache", False):
        return False
    if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, *cookies}
    return not (set(request.COOKIES) - allowed)


def is_shareable_response(request, response):
    """Whether `response` holds nothing of one visitor's but its fresh fields: a 200, setting no cookie
    but the CSRF one and leaving the session as it was."""
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    session = getattr(request, "session", None)
    return session is None or not session.modified


def kept_answer(request, key, respond, *, timeout):
    """`respond()`'s answer kept under `key` while what it shows is unchanged (a `kept` piece): a
    200 holding nothing of one visitor's (`is_shareable_response`), its fresh fields made anew for
    each visitor, and compressed once, when kept, for clients that accept gzip. CSRF's cookie is left
    to CsrfViewMiddleware below."""
    answered = []

    def compute():
        response = respond()
        if hasattr(response, "render"):
            response.render()
        stored = freeze(response) if is_shareable_response(request, response) else None
        answered.append(thawed_at_once(request, response, stored, finished) if stored else response)
        return stored

    # What the page cache above may keep goes up as made, its markers unfilled: it keeps it whole.
    finished = not is_cacheable_request(request)
    stored = kept(key, timeout=timeout, compute=compute)
    return answered[0] if answered else thaw(request, stored, finished=finished)


def shared_page(request, variant, respond, *, session_keys=()):
    """`respond()`'s answer to a signed-in visitor, kept for every visitor whom the view judged alike.

    A page private to a kind of visitor rather than to one: a reader's whole text is the same for
    every reader whose grant opens the article and is told alike (`variant`: what the page says of
    them, e.g. the grant's line). The view decides who may have it, then calls this; the answer is
    still private (`mark_private`: no proxy keeps it). Only a GET carrying no cookie but the session,
    CSRF and language ones, whose session holds nothing but `session_keys` (no staff sign-in, no
    message, no pending comment), is answered or kept so; any other visitor gets `respond()`.
    """
    mark_private(request)
    session = getattr(request, "session", None)
    if session is None or not is_cacheable_request(request, cookies=[settings.SESSION_COOKIE_NAME]):
        return respond()
    if set(session.keys()) - {*session_keys, "_session_expiry"}:
        return respond()
    key = f"page:{FORMAT}:{digest(request_host(request), request.get_full_path(), 'shared-by', *variant)}"
    return kept_answer(request, key, respond, timeout=settings.PAGE_CACHE_SECONDS)


def page_key(request):
    """The page's key: host (checked against ALLOWED_HOSTS here) and full path."""
    return f"page:{FORMAT}:{digest(request.get_host(), request.get_full_path())}"


def topics_read_before(request):
    """The topics whose versions this process read for the last GET of this address: asked again in
    the request's first round trip (`topics.register_first_topics`), so that judging its page or its
    fragments, held here or in the shared cache, costs no other. A guess: a topic the page no longer
    reads costs a few bytes of that round trip, one it reads anew a round trip of its own."""
    if request.method not in ("GET", "HEAD"):
        return ()
    return addresses_topics.get(request.get_full_path()) or ()


# {address: the topics its last GET read}, per process, the most recent PAGE_CACHE_LOCAL_ENTRIES.
addresses_topics = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)


def register_fresh_field(name, make):
    """Treat form field `name` like the CSRF token: `make(request)` gives each visitor's value."""
    _fresh_fields[name] = make
    fresh_field_patterns.cache_clear()
    slot_pattern.cache_clear()


# Markers that the app owning them fills anew in every answer ([(pattern, fill)]): a piece of the page
# on a clock of its own (the most-read list), so kept answers hold the marker, never what fills it.
_fills = []


def register_fill(pattern, fill):
    """Fill each marker that `pattern` (a regular expression without groups) finds in an answer kept
    whole with `fill(marker)` (its HTML), in every answer made from it. Answers not kept whole are the
    app's to fill (a middleware above PageCacheMiddleware)."""
    _fills.append((re.compile(pattern), fill))
    slot_pattern.cache_clear()


@lru_cache(maxsize=1)
def slot_pattern():
    """Where an answer kept whole is cut: at its fresh fields and registered markers (the one group)."""
    names = "|".join(map(re.escape, _fresh_fields))
    return re.compile(
        "|".join([rf'(name="(?:{names})" value="[^"]*"', *(p.pattern for p, _ in _fills)]) + ")"
    )


def slot_value(request, slot, finished=True):
    """What fills a kept answer's slot for `request`: this visitor's field, or a marker's content (the
    marker itself in an answer not `finished`: one that a keeper above may keep whole)."""
    if slot in _fresh_fields:
        return f'name="{slot}" value="{escape(fresh_value(request, slot))}"'
    if not finished:
        return slot
    return next(fill(slot) for pattern, fill in _fills if pattern.fullmatch(slot))


@lru_cache(maxsize=1)
def fresh_field_patterns():
    names = "|".join(map(re.escape, _fresh_fields))
    return re.compile(rf'name="({names})" value="[^"]*"'), re.compile(rf'name="({names})" value="{FRESH}"')


def cut_fresh(html):
    """`html` with the visitor's own form values (CSRF token, time stamps) taken out, fit to be shared."""
    return fresh_field_patterns()[0].sub(rf'name="\g<1>" value="{FRESH}"', html)


def fresh_value(request, name):
    """This visitor's value of a fresh field: made once per request, for all of the page's pieces."""
    values = request.__dict__.setdefault("_fresh_values", {})
    if name not in values:
        values[name] = str(_fresh_fields[name](request))
    return values[name]


def put_fresh(request, html):
    """Shared `html` with this visitor's values where `cut_fresh` took them out."""
    if FRESH not in html:
        return html
    pattern = fresh_field_patterns()[1]
    return pattern.sub(
        lambda match: f'name="{match[1]}" value="{escape(fresh_value(request, match[1]))}"', html
    )


def freeze(response):
    """(status, headers, [text, slot, text, …], gzipped): a finished response, cut at its slots (a
    fresh field's name, or a registered marker: `slot_pattern`). `gzipped` is the start of a gzip
    member and each text compressed on its own (`gzip_parts`), or None for a body already compressed
    or too short to gain."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    pieces = slot_pattern().split(response.content.decode(response.charset))
    for index in range(1, len(pieces), 2):
        if field := fresh_field_patterns()[0].fullmatch(pieces[index]):
            pieces[index] = field[1]
    pieces = [piece.encode(response.charset) for piece in pieces]
    gzipped = None
    if len(response.content) >= 200 and not response.has_header("Content-Encoding"):
        gzipped = gzip_parts(pieces[::2])
        if len(gzipped[0]) + sum(map(len, gzipped[1])) >= len(response.content):
            gzipped = None
    return response.status_code, headers, pieces, gzipped


# A gzip member made of parts: the kept texts, compressed once, when kept, and between them the values
# of the slots (each visitor's fresh fields, the markers' contents), stored as they are. Each text is
# deflated without the history of the ones before it and ends on a byte boundary (a full flush), so the
# parts join into one deflate stream (RFC 1951) and the member is made for a visitor without compressing
# anything. A fresh field (a CSRF token) shares no compression history with the page around it, so the
# answer's length tells nothing about it (BREACH); like Django's GZipMiddleware, the header also carries
# up to 100 random bytes, drawn once for the kept answer (so a document without slots keeps one ETag).
GZIP_LAST_BLOCK = b"\x03\x00"  # an empty final block
# zlib's levels: a kept answer is compressed once, when kept, at Django's level; an answer made for one
# request (the page cache off, a signed-in reader's page, a search) is compressed at every request, at
# level 1, nginx's default: an article of 43 KB takes 0.25 ms and 10.5 KB there, 0.87 ms and 9.0 KB at 6.
KEPT_LEVEL = 6
ANSWER_LEVEL = 1


def gzip_parts(texts, level=KEPT_LEVEL):
    """(header, [each text deflated on its own]): what `gzip_member` joins."""
    header = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + b"a" * secrets.randbelow(100) + b"\x00"
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return header, [compressor.compress(text) + compressor.flush(zlib.Z_FULL_FLUSH) for text in texts]


def gzip_member(gzipped, values, body):
    """The gzip member of `body`: the kept texts (`gzip_parts`) with the slots' `values` between them,
    each in stored blocks; `body` is the same, uncompressed (for the trailer's CRC-32 and length)."""
    header, deflated = gzipped
    member = bytearray(header)
    member += deflated[0]
    for value, text in zip(values, deflated[1:], strict=True):
        for start in range(0, len(value), 0xFFFF):  # a stored block holds at most 65 535 bytes
            block = value[start : start + 0xFFFF]
            member += b"\x00" + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
        member += text
    member += GZIP_LAST_BLOCK + struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return bytes(member)


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def put_gzip(response, member):
    """`response` with `member` (a gzip member of its body) for a body."""
    response.content = member
    response["Content-Encoding"] = "gzip"
    response["Content-Length"] = str(len(member))


def gzip_answer(request, response, gzipped, values):
    """`response`, whose body is the kept texts with `values` between them, gzipped from its kept parts
    for a client that accepts gzip (GZipMiddleware then leaves it alone)."""
    if gzipped is not None:
        patch_vary_headers(response, ("Accept-Encoding",))
        if accepts_gzip(request):
            put_gzip(response, gzip_member(gzipped, values, response.content))
    return response


def thaw(request, stored, csrf=None, *, finished=True):
    """The response `freeze` kept, its slots filled for this visitor (and CSRF cookie, through `csrf`:
    none below CsrfViewMiddleware, which reads and sets the cookie itself), gzipped from its kept
    parts for a client that accepts gzip. An answer not `finished` (a keeper above may keep it whole)
    keeps its markers and goes up plain."""
    status, headers, pieces, gzipped = stored
    slots = [piece.decode() for piece in pieces[1::2]]
    if csrf is not None and CSRF_FIELD_NAME in slots:
        csrf.process_request(request)  # reads this visitor's CSRF cookie, if any
    values = [slot_value(request, slot, finished).encode() for slot in slots]
    body = bytearray(pieces[0])
    for value, text in zip(values, pieces[2::2], strict=True):
        body += value + text
    response = HttpResponse(bytes(body), status=status)
    for name, value in headers:
        response[name] = value
    if csrf is not None and CSRF_FIELD_NAME in slots:
        csrf.process_response(request, response)  # sets the cookie when the token is new
    return gzip_answer(request, response, gzipped, values) if finished else response


def thawed_at_once(request, response, stored, finished=True):
    """The answer just kept (`response`), made again from what was kept, as every later visitor gets
    it (markers filled, gzipped from its kept parts), with the cookies and headers it was given."""
    thawed = thaw(request, stored, finished=finished)
    thawed.cookies = response.cookies
    for name in UNSTORED_HEADERS - {"content-length"}:
        if name in response:
            thawed[name] = response[name]
    return thawed


def holds_fresh_field(response):
    """Whether `response`'s body holds a fresh field (a CSRF token): a value made anew for each answer
    (in a body gzipped from kept parts too, where the fields stand uncompressed: `gzip_member`)."""
    if response.streaming:
        return False
    return any(f'name="{name}" value="'.encode() in response.content for name in _fresh_fields)


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's, compressing a body made for this one answer at `ANSWER_LEVEL` (Django's takes level 6
    at every request). Answers kept whole come gzipped from their kept parts already (`gzip_answer`),
    and streamed bodies are left to Django's."""

    def process_response(self, request, response):
        if response.streaming or len(response.content) < 200 or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if accepts_gzip(request):
            body = response.content
            member = gzip_member(gzip_parts([body], ANSWER_LEVEL), [], body)
            if len(member) < len(body):  # as Django's: only when it is shorter
                if (etag := response.get("ETag", "")).startswith('"'):
                    response["ETag"] = f"W/{etag}"  # as Django's: one ETag for both codings, so a weak one
                put_gzip(response, member)
        return response


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's, without hashing a body that holds a fresh field into an ETag: the field is made anew
    for every answer, so no later request could match that ETag (a signed-in reader's page, any page
    with the page cache off). Answers of the page cache carry an ETag of their topics' versions
    instead (`PageCacheMiddleware`), and every other answer keeps Django's hashed ETag and its 304s."""

    def needs_etag(self, response):
        return super().needs_etag(response) and not holds_fresh_field(response)


class RequestMiddleware:
    """Open the request's memo of topic versions, with its first round trip to the cache (the epoch,
    the topics every page shows, the keys the apps read anyway: `register_first_read`).

    It sits above the middleware that read the cache first (the institutions' snapshot) and the page
    cache; `PageCacheMiddleware` and every piece below rely on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tokens = open_request(request)
        try:
            return self.get_response(request)
        finally:
            if request.method in ("GET", "HEAD"):
                addresses_topics.set(request.get_full_path(), topics_read())
            close_request(tokens)


class PageCacheMiddleware:
    """Serve and store anonymous pages; answer 304 through an ETag made of the page's topic versions.

    It sits near the top of MIDDLEWARE, so a hit skips sessions, locale, authentication and the
    view: what is stored is the finished answer (status, headers, body) of the whole stack below,
    without its cookies. The visitor's CSRF cookie and token are made fresh on every hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        response = self.respond(request)
        if is_private(request):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def respond(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        if (entry := current_entries([key]).get(key)) is not None:
            response = thaw(request, entry[1], self.csrf)
            response["X-Page-Cache"] = "hit"
        else:
            with Recording() as recording:
                response = self.get_response(request)
            if not self.is_cacheable_response(request, response):
                return response
            entry = (recording.stored_versions(), freeze(response))
            if entry[0] is not None:
                keep({key: entry}, settings.PAGE_CACHE_SECONDS)
            response = thawed_at_once(request, response, entry[1])
            response["X-Page-Cache"] = "miss"
        if entry[0] is not None:
            response["ETag"] = f'W/"{digest(sorted(entry[0].items()))[:20]}-{key[-12:]}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def is_cacheable_response(request, response):
        if is_private(request) or not is_shareable_response(request, response):
            return False
        if response.has_header("Content-Encoding"):  # kept only as text, to be cut at its slots
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store", "no-cache", "max-age=0"))
