from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext

from magazine.admin import SingleRowAdmin
from outbox.admin import LettersAboutMixin

from .models import Comment, DiscussionSettings
from .services import comments_approve, comments_mark_spam, comments_reject


class StatusFilter(admin.SimpleListFilter):
    """Status, with the moderation queue (pending) as the default view."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", _("All"))]

    def value(self):
        return super().value() or Comment.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


@admin.register(Comment)
class CommentAdmin(LettersAboutMixin, admin.ModelAdmin):
    list_display = ["short_body", "article", "author_name", "author_email", "status", "created_at", "others"]
    list_filter = [StatusFilter, "created_at"]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "author_email", "article__title"]
    ordering = ["-created_at"]
    actions = ["approve_selected", "reject_selected", "mark_spam_selected"]
    fields = [
        "article",
        "parent",
        ("author_name", "author_email"),
        "author_url",
        "body",
        ("status", "created_at", "approved_at"),
        "user_agent",
    ]
    readonly_fields = [
        "article",
        "parent",
        "author_email",
        "status",
        "created_at",
        "approved_at",
        "user_agent",
    ]

    def get_queryset(self, request):
        others = (
            Comment.objects.filter(author_email=OuterRef("author_email"))
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("author_email")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return super().get_queryset(request).annotate(other_count=Coalesce(Subquery(others), 0))

    def changelist_view(self, request, extra_context=None):
        pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
        subtitle = ngettext(
            "%(count)d comment awaits moderation", "%(count)d comments await moderation", pending
        ) % {"count": pending}
        return super().changelist_view(request, {"subtitle": subtitle, **(extra_context or {})})

    def has_add_permission(self, request):
        return False  # comments come from readers, through the site's form

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description=_("comment"))
    def short_body(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("other comments by this author"), ordering="other_count")
    def others(self, comment):
        if not comment.other_count:
            return "0"
        query = urlencode({"status": "all", "author_email__exact": comment.author_email})
        url = f"{reverse('admin:comments_comment_changelist')}?{query}"
        return format_html('<a href="{}">{}</a>', url, comment.other_count)

    @admin.action(description=_("Approve selected comments"), permissions=["moderate"])
    def approve_selected(self, request, queryset):
        count = comments_approve(comments=queryset, moderator=request.user)
        self.message_user(request, ngettext("%d comment approved.", "%d comments approved.", count) % count)

    @admin.action(description=_("Reject selected comments"), permissions=["moderate"])
    def reject_selected(self, request, queryset):
        count = comments_reject(comments=queryset, moderator=request.user)
        self.message_user(request, ngettext("%d comment rejected.", "%d comments rejected.", count) % count)

    @admin.action(description=_("Mark selected comments as spam"), permissions=["moderate"])
    def mark_spam_selected(self, request, queryset):
        count = comments_mark_spam(comments=queryset, moderator=request.user)
        self.message_user(
            request, ngettext("%d comment marked as spam.", "%d comments marked as spam.", count) % count
        )


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(SingleRowAdmin):
    fieldsets = [
        (None, {"fields": ["comments_enabled", "close_after_days", "moderation", "notify_editors"]}),
        (
            _("Spam"),
            {
                "fields": [
                    "max_links",
                    "min_seconds_to_post",
                    "blocked_words",
                    "blocked_emails",
                    "blocked_ips",
                ]
            },
        ),
    ]
