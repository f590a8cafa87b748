"""One id per request: in the X-Request-ID response header, on every log record, on the 500 page.

Behind the proxy (TRUSTED_PROXIES > 0) the proxy's id is kept (nginx sends its $request_id), so its
access log, the app's log and what a reader quotes from an error page all name the same request.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from django.conf import settings

from guards.ratelimit import from_trusted_proxy

HEADER = "X-Request-ID"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
_current = ContextVar("request_id", default="-")


def current_request_id():
    """The id of the request this thread or task is serving, or "-" outside a request."""
    return _current.get()


def incoming_or_new(request):
    """The proxy's id when a trusted proxy sent a well-formed one; a new random id otherwise."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    trusted = settings.TRUSTED_PROXIES and from_trusted_proxy(request.META.get("REMOTE_ADDR", ""))
    if trusted and WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give the request its id first (the outermost middleware), so everything below can log it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = incoming_or_new(request)
        # Kept until the response is closed (request_finished), so that Django's own lines about the
        # response ("Service Unavailable: /readyz"), logged after the middleware, carry it too.
        _current.set(request.request_id)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        return response


def forget_request_id(**kwargs):
    """Connected to request_finished (issues/apps.py): later log lines belong to no request."""
    _current.set("-")


class RequestIdLogFilter(logging.Filter):
    """Put the current request's id on every record as `request_id` (for the log format)."""

    def filter(self, record):
        record.request_id = _current.get()
        return True
