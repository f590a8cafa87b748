from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from desk.forms import StoredValuesKeptAdmin
from guards.lockout import LockoutAuthenticationForm


class DeskAutocompleteJsonView(AutocompleteJsonView):
    """Results read as the admin's `autocomplete_label(obj)` ("3-4/2026 — Water" for an issue)."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class MagazineAdminSite(admin.AdminSite):
    login_form = LockoutAuthenticationForm
    # The lists need the width at 1280 px; the index and the breadcrumbs lead everywhere instead.
    enable_nav_sidebar = False

    def autocomplete_view(self, request):
        return DeskAutocompleteJsonView.as_view(admin_site=self)(request)

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
