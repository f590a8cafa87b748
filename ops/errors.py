"""Error pages. They render without context processors and without the database: they must work when
everything else is broken."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """The 500 page, or the friendly 503 while the database is away.

    Django calls this for an exception raised anywhere in a request (a view, a template, a middleware
    that reads the session or the user), so one place turns every database outage into the 503.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request, error)
    return HttpResponseServerError(loader.get_template("500.html").render({"request": request}))


def database_unavailable(request, error):
    """503 with Retry-After. No reconnect here: Django closes the broken connection when the request
    finishes, and CONN_HEALTH_CHECKS checks a reused one when the next request starts, so the site
    recovers by itself when the database returns."""
    logger.warning("Database unavailable for %s: %s", request.path, error)
    context = {"LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "uz"), "request": request}
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = "30"
    add_never_cache_headers(response)
    return response
