import csv

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, ngettext

from issues.models import Issue
from outbox.admin import LettersAboutMixin
from staff.fresh import fresh_second_factor_required

from .admin_announcements import AnnouncementPagesMixin, announcement_send_message
from .models import Announcement, Delivery, Subscriber
from .services import subscriber_unsubscribe


def csv_cell(value):
    """Neutralize text a spreadsheet would run as a formula (an address may start with = + - or @)."""
    value = str(value or "")
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


class DeliveryInline(admin.TabularInline):
    """The announcements sent (or failed) to this subscriber: the delivery log, read-only."""

    model = Delivery
    fields = ["announcement", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("announcement__issue")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(LettersAboutMixin, admin.ModelAdmin):
    """Subscribers come only through double opt-in: the admin can read, unsubscribe and export, not add."""

    list_display = ["email", "status", "language", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "language", "created_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "language",
        "status",
        "created_at",
        "last_confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    readonly_fields = [
        "email",
        "status",
        "created_at",
        "last_confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    inlines = [DeliveryInline]
    actions = ["unsubscribe_selected", "export_csv"]
    change_list_template = "subscriptions/admin/subscriber_change_list.html"

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        counts = Subscriber.objects.aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Subscriber.Status}
        )
        status_counts = [(status.label, counts[status.value]) for status in Subscriber.Status]
        return super().changelist_view(request, (extra_context or {}) | {"status_counts": status_counts})

    @admin.action(description=_("Unsubscribe selected subscribers"), permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = 0
        for subscriber in queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED):
            subscriber_unsubscribe(subscriber=subscriber)
            count += 1
        self.message_user(
            request, ngettext("%d subscriber unsubscribed.", "%d subscribers unsubscribed.", count) % count
        )

    @admin.action(description=_("Export selected subscribers as CSV"), permissions=["view"])
    @fresh_second_factor_required(purpose="subscribers CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{timezone.now():%Y%m%d}.csv"'
        writer = csv.writer(response)
        fields = ["email", "language", "status", "created_at", "confirmed_at", "unsubscribed_at"]
        writer.writerow(fields)
        for row in queryset.order_by("pk").values_list(*fields).iterator():
            writer.writerow([csv_cell(value) for value in row])
        return response


@admin.register(Announcement)
class AnnouncementAdmin(AnnouncementPagesMixin, admin.ModelAdmin):
    """Create an announcement by choosing a published issue; preview it, test it and send it from its page
    (or with the "send now" action)."""

    list_display = ["issue", "created_at", "started_at", "finished_at", "sent", "failed", "pending"]
    list_select_related = ["issue"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
    actions = ["send_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    def get_fields(self, request, obj=None):
        return ["issue"] if obj is None else ["issue", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["issue", *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "issue":
            kwargs["queryset"] = Issue.objects.published().filter(announcement__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("sent"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("failed"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=_("pending"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count

    @admin.action(description=_("Send selected announcements now"), permissions=["send"])
    def send_now(self, request, queryset):
        for announcement in queryset.select_related("issue"):
            message, level = announcement_send_message(announcement)
            self.message_user(request, message, level=level)

    def has_send_permission(self, request):
        return request.user.has_perm("subscriptions.send_announcement")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read-only: who received which announcement, and why a letter failed."""

    list_display = ["subscriber", "announcement", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "announcement"]
    list_select_related = ["subscriber", "announcement__issue"]
    search_fields = ["subscriber__email"]
    raw_id_fields = ["subscriber"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
