from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _, ngettext
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import Kind, audit_record
from .fresh import fresh_second_factor_required
from .models import AuditEvent, StaffSession
from .services import factors_reset, recovery_codes_left
from .sessions import active_sessions, session_end
from .twofactor import device_kind

# Factors are added by their owner (two-factor pages) and removed by a superuser's reset (below), both
# logged; django-otp's own device pages (which show secret keys) are not offered.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SuperuserOnly:
    """Readable by superusers only; nobody adds or edits rows by hand."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "actor_name", "ip", "detail"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username", "actor_name", "ip", "detail"]
    date_hierarchy = "created_at"
    list_per_page = 100


@admin.register(StaffSession)
class StaffSessionAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "created_at", "last_seen_at", "ip", "user_agent", "is_verified", "is_current"]
    list_filter = ["is_verified"]
    list_select_related = ["user"]
    search_fields = ["user__username", "ip"]
    actions = ["end_selected"]

    def get_queryset(self, request):
        return active_sessions().select_related("user")

    @admin.display(description=_("this session"), boolean=True)
    def is_current(self, obj):
        return obj.session_key == self._current_key

    def changelist_view(self, request, extra_context=None):
        self._current_key = request.session.session_key
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("End selected sessions"), permissions=["end"])
    def end_selected(self, request, queryset):
        count = 0
        for staff_session in queryset.select_related("user"):
            session_end(staff_session)
            audit_record(
                Kind.SESSION_ENDED,
                user=staff_session.user,
                detail=f"ended by a superuser ({staff_session.ip})",
            )
            count += 1
        self.message_user(request, ngettext("%d session ended.", "%d sessions ended.", count) % count)

    def has_end_permission(self, request):
        return request.user.is_superuser


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, plus each person's second factors, their sessions and a factor reset."""

    actions = ["reset_second_factors"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Two-factor sign-in"), {"fields": ["second_factors", "sessions"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "second_factors", "sessions"]

    @admin.display(description=_("second factors"))
    def second_factors(self, obj):
        kinds = sorted(
            {
                device_kind(device)
                for device in devices_for_user(obj)
                if device_kind(device) != "recovery code"
            }
        )
        codes = recovery_codes_left(obj)
        return format_html(
            "{} · {}",
            ", ".join(kinds) or _("none yet: set up at the next sign-in"),
            ngettext("%d recovery code left", "%d recovery codes left", codes) % codes,
        )

    @admin.display(description=_("active sessions"))
    def sessions(self, obj):
        count = active_sessions().filter(user=obj).count()
        url = reverse("admin:staff_staffsession_changelist") + "?" + urlencode({"user__id__exact": obj.pk})
        return format_html('<a href="{}">{}</a>', url, ngettext("%d session", "%d sessions", count) % count)

    @admin.action(
        description=_("Reset two-factor sign-in (they set it up again)"), permissions=["reset_factors"]
    )
    @fresh_second_factor_required(purpose="factor reset", download=False)
    def reset_second_factors(self, request, queryset):
        for user in queryset:
            factors_reset(user=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %d account; it is set up again at the next sign-in.",
                "Two-factor sign-in reset for %d accounts; each is set up again at the next sign-in.",
                count,
            )
            % count,
        )

    def has_reset_factors_permission(self, request):
        return request.user.is_superuser
