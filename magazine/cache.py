"""The page cache: anonymous GET responses, kept until the content changes.

Every cached page is stored under the current *content version*. Saving or deleting anything a
reader can see bumps the version (signals, and services for bulk updates), and so does the
moment a scheduled article or an event starts: the next such moment is kept beside the version
and checked on every request, so no cron job is needed. Only requests that carry no cookies
but the CSRF and language ones are served from or stored in the cache: an editor, a visitor
with a session (a pending comment, a message) or a remembered comment author never gets or
leaves a shared page. CSRF tokens are cut out before storing and put back fresh for each
visitor, so a cached form still posts.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

VERSION_KEY = "pages:version"
BOUNDARY_KEY = "pages:next-boundary"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"__csrf_token__"
_boundary_providers = []


def register_boundary(provider):
    """`provider(now)` returns the next datetime after `now` at which some page changes by itself, or None."""
    _boundary_providers.append(provider)


def next_boundary(now):
    moments = [moment for provider in _boundary_providers if (moment := provider(now)) is not None]
    return min(moments) if moments else None


def content_changed(**kwargs):
    """Invalidate every cached page (signal receiver and plain function)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
    cache.delete(BOUNDARY_KEY)


def content_changed_for_model(sender, **kwargs):
    """Signal receiver: a row of a reader-visible app changed (PAGE_CACHE_APPS)."""
    if sender._meta.app_label in settings.PAGE_CACHE_APPS:
        content_changed()


def content_version(now=None):
    """The current content version, moved on first if a scheduled moment has passed."""
    now = now or timezone.now()
    values = cache.get_many([VERSION_KEY, BOUNDARY_KEY])
    version, boundary = values.get(VERSION_KEY), values.get(BOUNDARY_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, timeout=None)
    if boundary is None or (boundary != "none" and boundary <= now.timestamp()):
        if boundary is not None:
            content_changed()
            version = cache.get(VERSION_KEY, version)
        moment = next_boundary(now)
        cache.set(BOUNDARY_KEY, moment.timestamp() if moment else "none", timeout=None)
    return version


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if request.path.startswith(settings.PAGE_CACHE_EXCLUDE):
        return False
    allowed = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
    return not (set(request.COOKIES) - allowed)


def page_key(request, version):
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"pages:{version}:{digest}"


class PageCacheMiddleware:
    """Serve and store anonymous pages; answer 304 through the ETag of the content version."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        version = content_version()
        key = page_key(request, version)
        etag = f'W/"{version}-{key[-12:]}"'
        cached = cache.get(key)
        if cached is not None:
            response = cached
            response.content = self.fresh_csrf(request, response.content)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if self.is_cacheable_response(request, response):
                # A plain response: a TemplateResponse (sitemap, TemplateView) cannot be rebuilt from bytes.
                stored = HttpResponse(
                    CSRF_FIELD.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content),
                    status=response.status_code,
                    content_type=response["Content-Type"],
                )
                for header in ("Content-Language", "Vary"):
                    if header in response:
                        stored[header] = response[header]
                cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
            else:
                return response
        response["ETag"] = etag
        patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def fresh_csrf(request, content):
        if CSRF_PLACEHOLDER not in content:
            return content
        from django.middleware.csrf import get_token

        return content.replace(CSRF_PLACEHOLDER, get_token(request).encode())

    @staticmethod
    def is_cacheable_response(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if getattr(request, "_has_private_content", False):
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        cache_control = response.get("Cache-Control", "")
        return not any(word in cache_control for word in ("private", "no-store", "no-cache", "max-age=0"))


def remember(name, compute, *, timeout=3600):
    """`compute()`, kept in the cache until the content changes: for data every page shows (sidebar, menu)."""
    key = f"data:{content_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
