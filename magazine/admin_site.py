from django.contrib import admin

from .lockout import LockoutAuthenticationForm


class MagazineAdminSite(admin.AdminSite):
    login_form = LockoutAuthenticationForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (
            getattr(response, "context_data", {}).get("form") if hasattr(response, "context_data") else None
        )
        if getattr(form, "locked_out", False):
            response.status_code = 429
        return response
