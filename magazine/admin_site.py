from django.contrib import admin

from .admin_forms import StoredValuesKeptAdmin
from .lockout import LockoutAuthenticationForm


class MagazineAdminSite(admin.AdminSite):
    login_form = LockoutAuthenticationForm

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, every admin (ours, auth's, taggit's) saving only what was changed."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StoredValuesKeptAdmin):
            admin_class = type(
                admin_class.__name__,
                (StoredValuesKeptAdmin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (
            getattr(response, "context_data", {}).get("form") if hasattr(response, "context_data") else None
        )
        if getattr(form, "locked_out", False):
            response.status_code = 429
        return response
