from django.contrib import admin
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _, ngettext

from .exports import batch_zip, zip_name
from .forms import CodeBatchAddForm
from .models import REVOKE_HELP, Code, CodeBatch
from .services import batch_create, batch_revoke

PLAIN_CODES = "_issuecodes_plain"  # where save_model leaves the new codes' text for response_add


class CodeInline(admin.TabularInline):
    model = Code
    fields = ["last_four", "redemptions", "max_redemptions", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CodeBatch)
class CodeBatchAdmin(admin.ModelAdmin):
    """A new batch is answered with a ZIP of its codes (their only copy); batches are revoked, not deleted."""

    list_display = ["__str__", "issue", "kind", "count", "code_count", "redeemed", "created_at", "state"]
    list_filter = ["kind", "issue"]
    list_select_related = ["issue"]
    search_fields = ["note"]
    date_hierarchy = "created_at"
    actions = ["revoke_selected"]
    inlines = [CodeInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(code_total=Count("codes"), redeemed_total=Sum("codes__redemptions"))
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = CodeBatchAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ["issue", "kind", "count", "access_days", "language", "note"],
                        "description": _(
                            "Saving downloads a ZIP with the codes (codes.csv with each code and its link, "
                            "and a QR code per code as PNG and SVG). Keep it: the codes are stored only "
                            "as hashes and cannot be shown again."
                        ),
                    },
                )
            ]
        return [
            (None, {"fields": ["issue", "kind", "count", "access_days", "language", "note"]}),
            (_("Record"), {"fields": ["created_by", "created_at", "revoked_at"], "description": REVOKE_HELP}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["issue", "kind", "count", "access_days", "language", "created_by", "created_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        setattr(request, PLAIN_CODES, batch_create(batch=obj, created_by=request.user))

    def response_add(self, request, obj, post_url_continue=None):
        codes = getattr(request, PLAIN_CODES, None)
        if codes is None:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            ngettext(
                "%(count)d code of %(batch)s was downloaded as a ZIP; it cannot be shown again.",
                "%(count)d codes of %(batch)s were downloaded as a ZIP; they cannot be shown again.",
                len(codes),
            )
            % {"count": len(codes), "batch": obj},
        )
        response = HttpResponse(batch_zip(obj, codes), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{zip_name(obj)}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.display(description=_("codes"), ordering="code_total")
    def code_count(self, obj):
        return obj.code_total

    @admin.display(description=_("redeemed"), ordering="redeemed_total")
    def redeemed(self, obj):
        return obj.redeemed_total or 0

    @admin.display(description=_("state"))
    def state(self, obj):
        return _("Revoked") if obj.revoked_at else _("Valid")

    @admin.action(
        description=_("Revoke the codes of the selected batches (grants made stay)"), permissions=["change"]
    )
    def revoke_selected(self, request, queryset):
        count = sum(batch_revoke(batch=batch) for batch in queryset)
        self.message_user(request, ngettext("%d batch revoked.", "%d batches revoked.", count) % count)
