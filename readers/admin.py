from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from issues.days import day_start

from .models import AccessGrant, Reader
from .services import (
    grant_revoke,
    grant_save,
    reader_delete,
    reader_email,
    reader_feed_key_reset,
    reader_get_or_create,
    reader_sign_out_everywhere,
)

# The browser's own date picker, in the manager's language; the value travels as ISO (2026-12-31).
DAY_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def within_years(day, first=1900, last=2200):
    """`day` if it falls in a year a grant can mean (days at the edge of the calendar cannot be stored)."""
    if day is not None and not first <= day.year <= last:
        raise forms.ValidationError(
            _("Choose a day between the years %(first)d and %(last)d."),
            code="out_of_range",
            params={"first": first, "last": last},
        )
    return day


class AccessGrantForm(forms.ModelForm):
    """A grant as a manager thinks of it: a reader's address, what, the first and the last day, why."""

    email = forms.CharField(
        label=_("Reader's email"),
        help_text=_("A reader with this address is created if there is none yet."),
        strip=False,
    )
    first_day = forms.DateField(label=_("First day"), initial=timezone.localdate, widget=DAY_INPUT)
    last_day = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DAY_INPUT,
        help_text=_("Access ends when this day ends. Empty: no end."),
    )

    class Meta:
        model = AccessGrant
        fields = ["scope", "issues", "reason", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grant = self.instance
        if grant.pk:
            self.fields["email"].initial = grant.reader.email
            self.fields["email"].disabled = True
            self.fields["first_day"].initial = timezone.localtime(grant.starts_at).date()
            if grant.ends_at is not None:
                self.fields["last_day"].initial = timezone.localtime(
                    grant.ends_at - timedelta(microseconds=1)
                ).date()

    def clean_email(self):
        if self.instance.pk:
            return self.instance.reader.email
        return reader_email(self.cleaned_data["email"])

    def clean_first_day(self):
        return within_years(self.cleaned_data["first_day"])

    def clean_last_day(self):
        return within_years(self.cleaned_data["last_day"])

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error(
                "last_day",
                forms.ValidationError(
                    _("The last day comes before the first day."), code="ends_before_start"
                ),
            )
        if cleaned.get("scope") == AccessGrant.Scope.ISSUES and not cleaned.get("issues"):
            self.add_error("issues", forms.ValidationError(_("Choose at least one issue."), code="no_issues"))
        return cleaned

    def _post_clean(self):
        """The period from the days; a day left as it was keeps its stored moment (to the microsecond)."""
        first, last = self.cleaned_data.get("first_day"), self.cleaned_data.get("last_day")
        adding = self.instance.pk is None
        if first and (adding or "first_day" in self.changed_data):
            self.instance.starts_at = day_start(first)
        if "last_day" in self.cleaned_data and (adding or "last_day" in self.changed_data):
            self.instance.ends_at = day_start(last + timedelta(days=1)) if last else None
        super()._post_clean()

    def _update_errors(self, errors):
        """The model speaks of its period (starts_at, ends_at), the form of days: errors follow the days."""
        if hasattr(errors, "error_dict"):
            for moment, day in (("starts_at", "first_day"), ("ends_at", "last_day")):
                if moment in errors.error_dict:
                    errors.error_dict.setdefault(day, []).extend(errors.error_dict.pop(moment))
        super()._update_errors(errors)


class GrantStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", _("In force")),
            ("coming", _("Starting later")),
            ("ended", _("Ended")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "live":
                return queryset.live(now)
            case "coming":
                return queryset.filter(revoked_at__isnull=True, starts_at__gt=now)
            case "ended":
                return queryset.filter(revoked_at__isnull=True, ends_at__lte=now)
            case "revoked":
                return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Grants are revoked, never deleted: the list is the record of who could read what, and why."""

    form = AccessGrantForm
    list_display = ["reader", "what", "starts_at", "ends_at", "reason", "state", "granted_by"]
    list_filter = [GrantStateFilter, "reason", "scope"]
    list_select_related = ["reader", "granted_by"]
    search_fields = ["reader__email", "note"]
    autocomplete_fields = ["issues"]
    date_hierarchy = "starts_at"
    actions = ["revoke_selected"]
    fieldsets = [
        (None, {"fields": ["email", ("scope", "issues"), ("first_day", "last_day"), "reason", "note"]}),
        (_("Record"), {"fields": ["granted_by", "created_at", "revoked_at", "revoked_by"]}),
    ]
    readonly_fields = ["granted_by", "created_at", "revoked_at", "revoked_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("issues")

    def save_model(self, request, obj, form, change):
        if change:  # the note, the period or the issues of a grant already given
            super().save_model(request, obj, form, change)
            return
        language = settings.LANGUAGE_CODE
        obj.reader, _created = reader_get_or_create(email=form.cleaned_data["email"], language=language)
        obj.granted_by = request.user
        grant_save(grant=obj, issues=form.cleaned_data.get("issues") or ())  # audited, as every way in

    @admin.display(description=_("what"))
    def what(self, obj):
        if obj.scope == AccessGrant.Scope.EVERYTHING:
            return obj.get_scope_display()
        return ", ".join(issue.label for issue in obj.issues.all())

    @admin.display(description=_("state"))
    def state(self, obj):
        now = timezone.now()
        if obj.revoked_at is not None:
            return _("Revoked")
        if obj.starts_at > now:
            return _("Starting later")
        return _("In force") if obj.is_live(now) else _("Ended")

    @admin.action(description=_("Revoke selected grants now"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        count = sum(grant_revoke(grant=grant, revoked_by=request.user) for grant in queryset)
        self.message_user(request, ngettext("%d grant revoked.", "%d grants revoked.", count) % count)


class AccessGrantInline(admin.TabularInline):
    model = AccessGrant
    fk_name = "reader"
    fields = ["scope", "starts_at", "ends_at", "reason", "revoked_at", "granted_by"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReaderForm(forms.ModelForm):
    class Meta:
        model = Reader
        fields = ["email", "language"]

    def clean_email(self):
        return reader_email(self.cleaned_data["email"])


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    """Readers sign up by signing in; managers add one only to give access. The address is theirs:
    it is never changed here. Deleting removes the reader's personal data (readers.services)."""

    form = ReaderForm
    list_display = ["email", "language", "created_at", "verified_at", "last_sign_in_at"]
    list_filter = ["language", "created_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["email", "language", "created_at", "verified_at", "last_sign_in_at"]
    inlines = [AccessGrantInline]
    actions = ["sign_out_selected", "reset_feed_selected", "delete_selected"]

    def get_readonly_fields(self, request, obj=None):
        times = ["created_at", "verified_at", "last_sign_in_at"]
        return [*times, "email"] if obj is not None else times

    def get_deleted_objects(self, objs, request):
        """Deleting a reader takes their grants along (the rule), though grants alone are never deleted."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(AccessGrant._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        reader_delete(reader=obj)

    def delete_queryset(self, request, queryset):
        for reader in queryset:
            reader_delete(reader=reader)

    @admin.action(description=_("Sign selected readers out on every device"), permissions=["change"])
    def sign_out_selected(self, request, queryset):
        count = 0
        for reader in queryset:
            reader_sign_out_everywhere(reader=reader)
            count += 1
        self.message_user(request, ngettext("%d reader signed out.", "%d readers signed out.", count) % count)

    @admin.action(
        description=_("Reset the personal feed addresses of selected readers"), permissions=["change"]
    )
    def reset_feed_selected(self, request, queryset):
        """For a leaked feed address: the old addresses answer 404 at once (readers.feed_keys)."""
        for reader in queryset:
            reader_feed_key_reset(reader=reader)
        self.message_user(request, _("The feed addresses are reset: the old addresses no longer work."))
