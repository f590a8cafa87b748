from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .models import Letter
from .services import letters_retry

RETRY_PERMISSION = "outbox.retry_letter"


def letters_about(obj, *, user, limit=20):
    """The letters about `obj` as a small table, for a read-only field on `obj`'s admin page."""
    letters = list(Letter.objects.about(obj)[:limit])
    changelist = ""
    if user.has_perm("outbox.view_letter"):
        content_type = ContentType.objects.get_for_model(obj)
        changelist = (
            f"{reverse('admin:outbox_letter_changelist')}?content_type={content_type.pk}&object_id={obj.pk}"
        )
    return render_to_string(
        "admin/outbox/_letters_about.html", {"letters": letters, "changelist": changelist, "limit": limit}
    )


class LettersAboutMixin:
    """For a ModelAdmin: its change page lists the letters about the object, failures included."""

    change_form_template = "admin/outbox/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["letters_about"] = letters_about(obj, user=request.user)
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Every letter the site sent or tries to send: why one failed, and a button to send it again."""

    list_display = [
        "created_at",
        "kind",
        "to",
        "short_subject",
        "status",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "kind", "language", "created_at"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    fields = [
        ("kind", "language", "key"),
        "to",
        "subject",
        ("status", "attempts", "next_attempt_at", "sent_at"),
        "last_error",
        "about_link",
        "headers",
        "body",
        "html",
        "created_at",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else [row])]

    def has_add_permission(self, request):
        return False  # letters are written by the site, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm(RETRY_PERMISSION)

    @admin.display(description=_("subject"))
    def short_subject(self, letter):
        return Truncator(letter.subject).chars(60)

    @admin.display(description=_("last error"))
    def short_error(self, letter):
        return Truncator(letter.last_error).chars(100)

    @admin.display(description=_("about"))
    def about_link(self, letter):
        about = letter.about
        if about is None:
            return "-"
        try:
            url = reverse(f"admin:{about._meta.app_label}_{about._meta.model_name}_change", args=[about.pk])
        except NoReverseMatch:  # a model without an admin page
            return str(about)
        return format_html('<a href="{}">{}</a>', url, about)

    @admin.action(description=_("Send the selected letters again now"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        count = letters_retry(letters=queryset)
        self.message_user(
            request,
            ngettext("%d letter queued again.", "%d letters queued again.", count) % count,
        )


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's read-only list of tasks, plus running a failed task again."""

    list_display = [*DBTaskResultAdmin.list_display, "exception_class_path"]
    actions = ["run_again"]

    def has_retry_permission(self, request):
        return request.user.has_perm(RETRY_PERMISSION)

    @admin.action(description=_("Run the selected tasks again"), permissions=["retry"])
    def run_again(self, request, queryset):
        count = 0
        for result in queryset.failed():
            result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            count += 1
        self.message_user(
            request,
            ngettext("%d failed task queued again.", "%d failed tasks queued again.", count) % count,
        )
