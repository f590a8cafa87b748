from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from import_export.admin import ImportMixin
from import_export.tmp_storages import CacheStorage

from .import_files import ImportFileError, SubscriptionsCSV, SubscriptionsXLSX
from .importing import PrintSubscriptionResource
from .models import PrintSubscription
from .services import subscription_unlink


class LinkedFilter(admin.SimpleListFilter):
    title = gettext_lazy("account")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Linked to an account")), ("no", gettext_lazy("Not linked"))]

    def queryset(self, request, queryset):
        match self.value():
            case "yes":
                return queryset.filter(reader__isnull=False)
            case "no":
                return queryset.filter(reader__isnull=True)
        return queryset


@admin.register(PrintSubscription)
class PrintSubscriptionAdmin(ImportMixin, admin.ModelAdmin):
    """The distribution office's list, imported from its CSV or XLSX (Import, top right).

    Nothing is exported from here: the list holds subscribers' addresses.
    """

    resource_classes = [PrintSubscriptionResource]
    formats = [SubscriptionsCSV, SubscriptionsXLSX]
    # Between the preview and the confirmation the file waits in the shared cache: any app server may
    # get the confirmation, and the list (addresses) never lands in the public media storage.
    tmp_storage_class = CacheStorage
    list_display = ["number", "name", "email", "postal_code", "starts_on", "ends_on", "reader", "linked_at"]
    list_filter = [LinkedFilter, "ends_on"]
    list_select_related = ["reader"]
    search_fields = ["number", "name", "email", "postal_code", "reader__email"]
    date_hierarchy = "ends_on"
    actions = ["unlink_selected"]
    fields = [
        "number",
        "name",
        "email",
        "postal_code",
        ("starts_on", "ends_on"),
        "reader",
        "linked_at",
        "grant",
        "reminded_30_at",
        "reminded_7_at",
    ]
    readonly_fields = ["reader", "linked_at", "grant", "reminded_30_at", "reminded_7_at"]

    def has_import_permission(self, request):
        return request.user.has_perm("printsubscribers.add_printsubscription") and request.user.has_perm(
            "printsubscribers.change_printsubscription"
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file", _("This file cannot be read. Choose a CSV or an XLSX file of the list.")
            )

    def get_import_data_kwargs(self, **kwargs):
        # A row that went bad between the preview and the confirmation stops the whole import.
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    def process_import(self, request, **kwargs):
        """The confirmation; a file gone from the cache or altered is sent back to the upload, not a 500."""
        try:
            return super().process_import(request, **kwargs)
        except (ImportFileError, OSError, TypeError, ValueError):
            self.message_user(
                request,
                _("The uploaded list is no longer there or cannot be read: upload it again."),
                messages.ERROR,
            )
            return redirect("admin:printsubscribers_printsubscription_import")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported: some rows are no longer valid. Upload the list again to see them."),
                messages.ERROR,
            )
            return redirect("admin:printsubscribers_printsubscription_import")
        return super().process_result(result, request)

    def delete_model(self, request, obj):
        subscription_unlink(subscription=obj, unlinked_by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            subscription_unlink(subscription=subscription, unlinked_by=request.user)
        super().delete_queryset(request, queryset)

    def save_model(self, request, obj, form, change):
        from .services import subscription_grant_sync

        super().save_model(request, obj, form, change)
        if change and {"starts_on", "ends_on"} & set(form.changed_data):
            obj.reminded_30_at = obj.reminded_7_at = None
            obj.save(update_fields=["reminded_30_at", "reminded_7_at", "updated_at"])
            subscription_grant_sync(subscription=obj)

    @admin.action(
        description=gettext_lazy("Unlink from the account (revokes its access)"), permissions=["change"]
    )
    def unlink_selected(self, request, queryset):
        count = sum(subscription_unlink(subscription=s, unlinked_by=request.user) for s in queryset)
        self.message_user(
            request, ngettext("%d subscription unlinked.", "%d subscriptions unlinked.", count) % count
        )
