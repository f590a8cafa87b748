import logging

from django.conf import settings
from django.urls import reverse

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
