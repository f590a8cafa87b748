from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .admin_revisions import RevisionAdminMixin
from .models import Contacts, Event, Issue, Section

admin.site.site_header = _("Regional Security: editors' room")
admin.site.site_title = _("Regional Security")
admin.site.index_title = _("The magazine")


class SingleRowAdmin(admin.ModelAdmin):
    """The admin of a settings model with one row (pk 1): the list page leads straight to it."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row, _created = self.model.objects.get_or_create(pk=1)
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", row.pk)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["label", "theme", "published_on", "is_published"]
    list_filter = ["is_published", "year"]
    search_fields = ["theme", "theme_ru", "theme_en", "year"]
    ordering = ["-year", "-number_first"]
    fieldsets = [
        (
            None,
            {"fields": [("year", "number_first", "number_last"), "theme", "published_on", "is_published"]},
        ),
        (_("Cover"), {"fields": ["cover", "cover_alt"]}),
        (_("Editor's note"), {"fields": ["description"]}),
        (_("Print edition"), {"fields": ["price", "where_to_buy", ("embargo", "embargo_days")]}),
        (
            _("Translations"),
            {
                "classes": ["collapse"],
                "fields": [
                    "theme_ru",
                    "theme_en",
                    "description_ru",
                    "description_en",
                    "where_to_buy_ru",
                    "where_to_buy_en",
                ],
            },
        ),
    ]
    inlines = []  # the articles app adds its inline (magazine must not import articles)

    @admin.display(description=_("issue"), ordering="-year")
    def label(self, obj):
        return obj.label


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_ru", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_ru", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contacts)
class ContactsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["address", "phone", "email", "body"]}),
        (
            _("Translations"),
            {"classes": ["collapse"], "fields": ["address_ru", "address_en", "body_ru", "body_en"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Contacts.objects.exists()


@admin.register(Event)
class EventAdmin(RevisionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "starts_at", "place", "is_published"]
    list_filter = ["is_published", "starts_at"]
    search_fields = ["title", "title_ru", "title_en", "place"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (
            None,
            {"fields": ["title", ("starts_at", "ends_at"), "place", "description", "link", "is_published"]},
        ),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (
            _("Translations"),
            {
                "classes": ["collapse"],
                "fields": [
                    "title_ru",
                    "title_en",
                    "place_ru",
                    "place_en",
                    "description_ru",
                    "description_en",
                ],
            },
        ),
    ]
