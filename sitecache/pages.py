"""The page cache: whole answers to anonymous readers, kept while what they show is unchanged.

Only requests that carry no cookies but the CSRF and language ones are served from or stored in the
page cache: an editor, a visitor with a session (a pending comment, a message, a signed-in reader)
or a remembered comment author never gets or leaves a shared page. A view whose answer belongs to
one visitor says so with `mark_private(request)`. CSRF tokens (and other fresh fields) are cut out
before storing and put back fresh for each visitor, so a cached form still posts.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.middleware.gzip import re_accepts_gzip
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.text import compress_string

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


def kept_answer(request, key, respond, *, timeout, compressed=False):
    """`respond()`'s answer kept under `key` while what it shows is unchanged (a `kept` piece): a
    200 holding nothing of one visitor's (`is_shareable_response`), its fresh fields made anew for
    each visitor. CSRF's cookie is left to CsrfViewMiddleware below. With `compressed`, an answer
    without fresh fields is also kept gzipped, and served so to clients that accept it (a feed,
    compressed once per change instead of once per request)."""
    answered = []

    def compute():
        response = respond()
        if hasattr(response, "render"):
            response.render()
        answered.append(response)
        return freeze(response, compressed) if is_shareable_response(request, response) else None

    stored = kept(key, timeout=timeout, compute=compute)
    return answered[0] if answered else thaw(request, stored)


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


def freeze(response, compressed=False):
    """(status, headers, [text, field name, text, …]): a finished response, cut at its fresh fields;
    with `compressed`, a fourth item: the body gzipped, if it holds no fresh field and is not
    compressed already (else None). The random bytes Django's GZipMiddleware adds against BREACH
    are added here too, once: such a body holds no secret of any visitor's."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    pieces = fresh_field_patterns()[1].split(cut_fresh(response.content.decode(response.charset)))
    frozen = response.status_code, headers, [piece.encode(response.charset) for piece in pieces]
    if not compressed:
        return frozen
    gzipped = None
    if len(pieces) == 1 and not response.has_header("Content-Encoding"):
        gzipped = compress_string(frozen[2][0], max_random_bytes=100)
    return *frozen, gzipped


def thaw(request, stored, csrf=None):
    """The response `freeze` kept, with this visitor's fresh values (and CSRF cookie, through `csrf`:
    none below CsrfViewMiddleware, which reads and sets the cookie itself); its gzipped body, if kept,
    to a client that accepts gzip."""
    status, headers, pieces, *gzipped = stored
    names = [piece.decode() for piece in pieces[1::2]]
    if csrf is not None and CSRF_FIELD_NAME in names:
        csrf.process_request(request)  # reads this visitor's CSRF cookie, if any
    body = bytearray(pieces[0])
    for name, text in zip(names, pieces[2::2], strict=True):
        body += f'name="{name}" value="{escape(fresh_value(request, name))}"'.encode() + text
    response = HttpResponse(bytes(body), status=status)
    for name, value in headers:
        response[name] = value
    if csrf is not None and CSRF_FIELD_NAME in names:
        csrf.process_response(request, response)  # sets the cookie when the token is new
    if gzipped and gzipped[0] is not None:  # kept only for a body without fresh fields
        patch_vary_headers(response, ("Accept-Encoding",))
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.content = gzipped[0]
            response["Content-Encoding"] = "gzip"
    return response


def holds_fresh_field(response):
    """Whether `response`'s body holds a fresh field (a CSRF token): a value made anew for each answer."""
    if response.streaming or response.has_header("Content-Encoding"):
        return False
    return any(f'name="{name}" value="'.encode() in response.content for name in _fresh_fields)


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
            response["X-Page-Cache"] = "miss"
        if entry[0] is not None:
            response["ETag"] = f'W/"{digest(sorted(entry[0].items()))[:20]}-{key[-12:]}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def is_cacheable_response(request, response):
        if is_private(request) or not is_shareable_response(request, response):
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store", "no-cache", "max-age=0"))
