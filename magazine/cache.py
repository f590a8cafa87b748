"""The page cache and the fragment cache: what readers see, kept until the content changes.

Every cached page, fragment and piece of data is stored under the current *content version*.
Saving or deleting anything a reader can see bumps the version (signals, and services for bulk
updates), and so does the moment a scheduled article or an event starts or an embargoed article
opens: the next such moment is kept beside the version and checked on every request, so no cron
job is needed. Only requests that carry no cookies but the CSRF and language ones are served from
or stored in the page cache: an editor, a visitor with a session (a pending comment, a message, a
signed-in reader) or a remembered comment author never gets or leaves a shared page; fragments
({% fragment %}) hold only what every reader sees. A view whose answer belongs to one visitor (a
reader's whole text) says so with `mark_private(request)`. CSRF tokens are cut out before storing
and put back fresh for each visitor, so a cached form still posts. Each process keeps recent
values in memory as well (LocalCopies).
"""

import hashlib
import re
import secrets
import threading
from collections import OrderedDict
from contextvars import ContextVar
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.translation import get_language

VERSION_KEY = "pages:version"
COMMENTS_VERSION_KEY = "pages:comments-version"
BOUNDARY_KEY = "pages:next-boundary"
CSRF_FIELD_NAME = "csrfmiddlewaretoken"
# Form fields whose value belongs to one visitor ({name: make(request)}): cut out of everything shared
# and made fresh for each visitor. Only a whole `name="…" value="…"` pair is recognised, which
# escaped text (a comment, a link) cannot contain: its quotes are entities.
_fresh_fields = {CSRF_FIELD_NAME: get_token}
FRESH = "\x00fresh\x00"
# Part of every key of stored pages and fragments: a release that stores them differently starts afresh.
FORMAT = 4
# Headers the page cache sets itself on every answer, or that belong to one visitor.
UNSTORED_HEADERS = {"etag", "cache-control", "expires", "x-page-cache", "set-cookie", "content-length"}
_boundary_providers = []
# The content version as read once for the current request (PageCacheMiddleware opens and closes it).
_request_memo = ContextVar("page_cache_request_memo", default=None)


class LocalCopies:
    """A small per-process LRU in front of the shared cache, for values stored under a version.

    Such a value never changes under its key (a new content version means new keys), so a worker
    may keep it: after the one round trip that reads the version, a hot page, fragment or piece
    of data costs no further trip to Redis and no unpickling. The values are shared by the
    requests of this process: treat them as read-only.
    """

    def __init__(self, size):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key, value):
        if not self.size:
            return
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


local_copies = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)


def versioned_get(key, *, timeout, compute):
    """The value under versioned `key`: this process's copy, the shared one, or `compute()` kept in both."""
    value = local_copies.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            if value is None:
                return None
            cache.set(key, value, timeout)
        local_copies.set(key, value)
    return value


def register_boundary(provider):
    """`provider(now)` returns the next datetime after `now` at which some page changes by itself, or None."""
    _boundary_providers.append(provider)


def next_boundary(now):
    moments = [moment for provider in _boundary_providers if (moment := provider(now)) is not None]
    return min(moments) if moments else None


def _move(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, secrets.randbits(48), timeout=None)
    if (memo := _request_memo.get()) is not None:
        memo.clear()


def content_changed(**kwargs):
    """Invalidate every cached page (signal receiver and plain function)."""
    _move(VERSION_KEY)
    cache.delete(BOUNDARY_KEY)


def comments_changed(**kwargs):
    """Invalidate what shows comments: the pages and fragments that asked for `comments_version()`.

    Approving or removing a comment leaves the home page, the issues, search, feeds and the other
    fragments where they are.
    """
    _move(COMMENTS_VERSION_KEY)


def content_changed_for_model(sender, **kwargs):
    """Signal receiver: a row of a reader-visible app changed (PAGE_CACHE_APPS).

    The version moves at once and again when the transaction commits: a page rendered by another
    request between the two read the rows from before the commit and must not outlive it.
    """
    if sender._meta.app_label in settings.PAGE_CACHE_APPS:
        content_changed()
        transaction.on_commit(content_changed)


def content_version(now=None):
    """The current content version, moved on first if a scheduled moment has passed.

    Within a request it is read once, however many fragments ask for it.
    """
    memo = _request_memo.get()
    if now is None and memo and "version" in memo:
        return memo["version"]
    return read_content_version(now)[0]


def comments_version(request=None):
    """The version of everything comments change (read with the content version).

    Given `request`, its page is marked as showing comments: the page cache keeps it under both.
    """
    if request is not None:
        request._shows_comments = True
    memo = _request_memo.get()
    if memo and "comments" in memo:
        return memo["comments"]
    return read_content_version()[1][COMMENTS_VERSION_KEY]


def read_content_version(now=None):
    """(content version, {key: value} as read, comments version included), in one round trip."""
    now = now or timezone.now()
    values = cache.get_many([VERSION_KEY, BOUNDARY_KEY, COMMENTS_VERSION_KEY])
    for key in (VERSION_KEY, COMMENTS_VERSION_KEY):
        # A fresh start (empty or restarted cache) must not reuse a version a worker still holds copies of.
        if values.get(key) is None:
            cache.add(key, secrets.randbits(48), timeout=None)
            values[key] = cache.get(key)
    version, boundary = values[VERSION_KEY], values.get(BOUNDARY_KEY)
    if boundary is None or (boundary != "none" and boundary <= now.timestamp()):
        if boundary is not None:
            content_changed()
            version = cache.get(VERSION_KEY, version)
        moment = next_boundary(now)
        cache.set(BOUNDARY_KEY, moment.timestamp() if moment else "none", timeout=None)
    if (memo := _request_memo.get()) is not None:
        memo["version"], memo["comments"] = version, values[COMMENTS_VERSION_KEY]
    return version, values


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


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if getattr(request, "_bypasses_page_cache", False):
        return False
    if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return not (set(request.COOKIES) - allowed)


def digest(*parts):
    """A short fixed-length key part for any values (paths, slugs and names of any length and alphabet)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]


def page_key(request):
    """The page's key: host (checked against ALLOWED_HOSTS here) and full path."""
    return f"page:{FORMAT}:{digest(request.get_host(), request.get_full_path())}"


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


def freeze(response):
    """(status, headers, [text, field name, text, …]): a finished response, cut at its fresh fields."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    pieces = fresh_field_patterns()[1].split(cut_fresh(response.content.decode(response.charset)))
    return response.status_code, headers, [piece.encode(response.charset) for piece in pieces]


def thaw(request, stored, csrf):
    """The response `freeze` kept, with this visitor's fresh values (and CSRF cookie, through `csrf`)."""
    status, headers, pieces = stored
    names = [piece.decode() for piece in pieces[1::2]]
    if CSRF_FIELD_NAME in names:
        csrf.process_request(request)  # reads this visitor's CSRF cookie, if any
    body = bytearray(pieces[0])
    for name, text in zip(names, pieces[2::2], strict=True):
        body += f'name="{name}" value="{escape(fresh_value(request, name))}"'.encode() + text
    response = HttpResponse(bytes(body), status=status)
    for name, value in headers:
        response[name] = value
    if CSRF_FIELD_NAME in names:
        csrf.process_response(request, response)  # sets the cookie when the token is new
    return response


def shared_document(view):
    """Keep a view's answer like a fragment: for documents the same for every reader (feeds, sitemaps).

    Only 200 answers to GET and HEAD are kept, per content version, host and full path.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not settings.FRAGMENT_CACHE_SECONDS:
            return view(request, *args, **kwargs)
        answered = []

        def compute():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            answered.append(response)
            return freeze(response) if response.status_code == 200 and not response.streaming else None

        key = f"documents:{FORMAT}:{content_version()}:{digest(request.get_host(), request.get_full_path())}"
        stored = versioned_get(key, timeout=settings.FRAGMENT_CACHE_SECONDS, compute=compute)
        return answered[0] if answered else thaw(request, stored, None)

    return wrapper


class PageCacheMiddleware:
    """Serve and store anonymous pages; answer 304 through the ETag of the content version.

    It sits near the top of MIDDLEWARE, so a hit skips sessions, locale, authentication and the
    view: what is stored is the finished answer (status, headers, body) of the whole stack below,
    without its cookies. The visitor's CSRF cookie and token are made fresh on every hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        memo = _request_memo.set({})
        try:
            response = self.respond(request)
        finally:
            _request_memo.reset(memo)
        if is_private(request):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def respond(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        version = content_version()
        comments = comments_version()
        # This process's copy, else the shared one. It counts only if stored under the current
        # version (and, for a page showing comments, the current comments version).
        stored = local_copies.get(f"{version}:{key}") or cache.get(key)
        if stored is not None and stored[0] == version and stored[1] in (None, comments):
            local_copies.set(f"{version}:{key}", stored)
            response = thaw(request, stored[2:], self.csrf)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not self.is_cacheable_response(request, response):
                return response
            shows_comments = getattr(request, "_shows_comments", False)
            stored = (version, comments if shows_comments else None, *freeze(response))
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            local_copies.set(f"{version}:{key}", stored)
            response["X-Page-Cache"] = "miss"
        response["ETag"] = f'W/"{version}-{stored[1] or 0}-{key[-12:]}"'
        patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def is_cacheable_response(request, response):
        if response.status_code != 200 or response.streaming:
            return False
        if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
            return False
        if is_private(request):
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store", "no-cache", "max-age=0"))


def fragment_key(request, name, *parts):
    """A fragment's key: content version, name, language, host (pieces may hold absolute links), parts."""
    where = digest(name, get_language() or "", request.get_host(), *parts)
    return f"fragments:{FORMAT}:{content_version()}:{where}"


def fragment(request, name, parts, render):
    """A rendered piece of a page shared by all readers until the content changes.

    `render()` makes the HTML on a miss. The key holds the content version, the language, the
    host (pieces may hold absolute links) and `parts`; a piece must not depend on anything else
    of the request (the session, the user): such parts stay outside fragments.
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return render()
    key = fragment_key(request, name, *parts)
    rendered = []

    def render_shareable():
        rendered.append(render())
        return cut_fresh(rendered[0])

    html = versioned_get(key, timeout=settings.FRAGMENT_CACHE_SECONDS, compute=render_shareable)
    return rendered[0] if rendered else put_fresh(request, html)


def fragments(request, name, keys, render_missing):
    """{key: html} for many pieces at once (the cards of a list); `render_missing(keys)` renders the rest.

    Like `fragment`, per content version, language and host; the missing pieces are rendered in
    one go, so their data can be loaded in one query.
    """
    if not settings.FRAGMENT_CACHE_SECONDS:
        return render_missing(keys)
    cache_keys = {key: fragment_key(request, name, key) for key in keys}
    found = {key: local_copies.get(cache_keys[key]) for key in keys}
    absent = [cache_keys[key] for key, html in found.items() if html is None]
    shared = cache.get_many(absent) if absent else {}
    for key in keys:
        if found[key] is None and (html := shared.get(cache_keys[key])) is not None:
            found[key] = html
            local_copies.set(cache_keys[key], html)
    missing = [key for key in keys if found[key] is None]
    if missing:
        rendered = render_missing(missing)
        cache.set_many(
            {cache_keys[key]: html for key, html in rendered.items()}, settings.FRAGMENT_CACHE_SECONDS
        )
        for key, html in rendered.items():
            local_copies.set(cache_keys[key], html)
        found.update(rendered)
    return found


def remember(name, compute, *, timeout=3600):
    """`compute()`, kept in the cache until the content changes: for data every page shows (sidebar, menu)."""
    return versioned_get(f"data:{content_version()}:{digest(name)}", timeout=timeout, compute=compute)
