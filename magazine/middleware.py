import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


class AdminCSPMiddleware:
    """Give admin pages the policy the rich-text editor can live with; public pages keep the strict one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response._csp_config = settings.ADMIN_CSP
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses (camera, microphone, location, payment, FLoC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """While the database is away, answer 503 with a friendly page instead of a 500.

    Django drops a broken connection at the end of the request (CONN_HEALTH_CHECKS checks it at
    the start of the next one), so the site recovers by itself when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self.unavailable(request, exc)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return self.unavailable(request, exception)
        return None

    @staticmethod
    def unavailable(request, exception):
        # No reconnect here: Django closes the broken connection when the request finishes, and
        # CONN_HEALTH_CHECKS checks a reused one when the next request starts.
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        body = loader.get_template("503.html").render(
            {
                "LANGUAGE_CODE": getattr(request, "LANGUAGE_CODE", "uz"),
                "request_id": getattr(request, "request_id", ""),
            }
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        add_never_cache_headers(response)
        return response
