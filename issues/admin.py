import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from desk.mixin import DeskAdminMixin
from desk.widgets import THUMBNAIL_LABEL, thumbnail
from issues.models import Contacts, Event, Issue, Section
from revisions.admin_revisions import RevisionAdminMixin, StaleEditForm

# "3", "3-4", "3-4/2026" (or "3-4 2026"): an issue as editors write it.
ISSUE_LABEL = re.compile(r"^(?P<first>\d{1,2})(?:-(?P<last>\d{1,2}))?(?:\s*[/ ]\s*(?P<year>\d{4}))?$")


class DeskMedia:
    """The change forms' script (warning before leaving unsaved changes, focal points) and styles."""

    js = ["magazine/admin/desk.js"]
    css = {"all": ["magazine/admin/desk.css"]}


class IssueForm(StaleEditForm):
    def clean(self):
        cleaned_data = super().clean()
        year, first = cleaned_data.get("year"), cleaned_data.get("number_first")
        if year and first:
            last = cleaned_data.get("number_last") or first
            clash = (
                Issue.objects.filter(year=year, number_first__lte=last)
                .alias(last_number=Coalesce("number_last", "number_first"))
                .filter(last_number__gte=first)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash is not None:
                url = reverse("admin:magazine_issue_change", args=[clash.pk])
                message = format_html(
                    gettext('Issue {label} already has this number: <a href="{url}">open it</a>.'),
                    label=clash.label,
                    url=url,
                )
                self.add_error("number_first", ValidationError(message, code="number_taken"))
        return cleaned_data


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


# Inlines that other apps show on an issue's page (the articles app: its table of contents). The domain
# app imports none of them; they register from their admin modules (`register_issue_inline`).
ISSUE_INLINES = []


def register_issue_inline(inline):
    if inline not in ISSUE_INLINES:
        ISSUE_INLINES.append(inline)


@admin.register(Issue)
class IssueAdmin(DeskAdminMixin, RevisionAdminMixin, admin.ModelAdmin):
    form = IssueForm
    list_display = ["cover_thumbnail", "label", "theme", "published_on", "is_published"]
    list_display_links = ["label"]
    list_filter = ["is_published", "year"]
    search_fields = ["theme", "theme_ru", "theme_en", "year"]
    ordering = ["-year", "-number_first"]
    add_title = _("Add issue")
    change_title = _("Change issue")
    Media = DeskMedia
    fieldsets = [
        (
            None,
            {"fields": [("year", "number_first", "number_last"), "theme", "published_on", "is_published"]},
        ),
        (_("Cover"), {"fields": ["cover", ("cover_focus_x", "cover_focus_y"), "cover_alt"]}),
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

    def get_inlines(self, request, obj):
        return [*self.inlines, *ISSUE_INLINES]

    @admin.display(description=_("issue"), ordering="-year")
    def label(self, obj):
        return obj.label

    @admin.display(description=THUMBNAIL_LABEL)
    def cover_thumbnail(self, obj):
        return thumbnail(obj.cover, obj.cover_focus)

    def autocomplete_label(self, obj):
        """What the issue pickers show: the label and the theme."""
        return f"{obj.label} — {obj.theme}" if obj.theme else obj.label

    def get_search_results(self, request, queryset, search_term):
        """Find an issue by its label ("3-4", "3-4/2026"), its year or its theme."""
        term = search_term.strip()
        label = ISSUE_LABEL.match(term)
        if label:
            first, last, year = label["first"], label["last"], label["year"]
            numbers = (
                Q(number_first=first, number_last=last)
                if last
                else Q(number_first=first) | Q(number_last=first)
            )
            return queryset.filter(numbers, **({"year": year} if year else {})), False
        if re.fullmatch(r"\d{4}", term):
            return queryset.filter(year=term), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(Section)
class SectionAdmin(DeskAdminMixin, admin.ModelAdmin):
    add_title = _("Add section")
    change_title = _("Change section")
    list_display = ["name", "name_ru", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_ru", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contacts)
class ContactsAdmin(DeskAdminMixin, admin.ModelAdmin):
    add_title = _("Add contacts")
    change_title = _("Change contacts")
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
class EventAdmin(DeskAdminMixin, RevisionAdminMixin, admin.ModelAdmin):
    add_title = _("Add event")
    change_title = _("Change event")
    Media = DeskMedia
    list_display = ["image_thumbnail", "title", "starts_at", "place", "is_published"]
    list_display_links = ["title"]
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

    @admin.display(description=THUMBNAIL_LABEL)
    def image_thumbnail(self, obj):
        return thumbnail(obj.image)
