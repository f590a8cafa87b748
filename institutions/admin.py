from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Institution, InstitutionRange, InstitutionReading
from .services import institution_grants_update, month_start


class InstitutionRangeInline(admin.TabularInline):
    model = InstitutionRange
    fields = ["text"]
    extra = 1


class InstitutionReadingInline(admin.TabularInline):
    """The whole texts read from the institution's networks, month by month (counted, never edited)."""

    model = InstitutionReading
    fields = ["month", "count"]
    readonly_fields = ["month", "count"]
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("readings per month")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    """Institutions with access: their networks (ranges) read without signing in; readers whose
    address is at their email domains get an access grant for the period when they sign in."""

    list_display = ["name", "kind", "starts_on", "ends_on", "active", "ranges_count", "readings_this_month"]
    list_filter = ["active", "kind"]
    search_fields = ["name", "contact_name", "contact_email", "email_domains"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "active", ("starts_on", "ends_on")]}),
        (_("Contact"), {"fields": ["contact_name", "contact_email"]}),
        (_("Readers by address"), {"fields": ["email_domains"]}),
    ]
    inlines = [InstitutionRangeInline, InstitutionReadingInline]

    def get_queryset(self, request):
        month = month_start(timezone.localdate())
        readings = InstitutionReading.objects.filter(institution=OuterRef("pk"), month=month).values("count")
        return (
            super()
            .get_queryset(request)
            .annotate(
                ranges_total=Count("ranges"),
                readings_month=Subquery(readings[:1], output_field=IntegerField()),
            )
        )

    @admin.display(description=_("address ranges"), ordering="ranges_total")
    def ranges_count(self, obj):
        return obj.ranges_total

    @admin.display(description=_("read this month"), ordering="readings_month")
    def readings_this_month(self, obj):
        return obj.readings_month or 0

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            institution_grants_update(institution=form.instance, changed_by=request.user)
