from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html, format_html_join, linebreaks
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from django.views.decorators.http import require_POST

from issues.admin import SingleRowAdmin
from outbox.admin import LettersAboutMixin

from .models import Comment, DiscussionSettings
from .services import comment_delete, comments_approve, comments_mark_spam, comments_reject

# One-click moderation from a row of the queue: (service, message, permission, keyboard key).
ROW_ACTIONS = {
    "approve": (comments_approve, _("Approve"), "moderate", "a"),
    "spam": (comments_mark_spam, _("Spam"), "moderate", "s"),
    "delete": (None, _("Delete"), "delete", "d"),
}


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


def row_buttons(comment, *, can_delete):
    """One-click approve, spam and delete (POST forms, through the page's #comment-row-action form)."""
    buttons = []
    for name, (_service, label, permission, key) in ROW_ACTIONS.items():
        if (name == "approve" and comment.status == Comment.Status.APPROVED) or (
            name == "spam" and comment.status == Comment.Status.SPAM
        ):
            continue
        if permission == "delete" and not can_delete:
            continue
        if name == "delete" and comment.has_replies:  # the delete page lists the replies first
            url = reverse("admin:comments_comment_delete", args=[comment.pk])
            buttons.append(format_html('<a class="button" href="{}" data-key="{}">{}…</a>', url, key, label))
            continue
        url = reverse("admin:comments_comment_moderate", args=[comment.pk, name])
        confirm = (
            format_html(' data-confirm="{}"', gettext("Delete this comment?")) if name == "delete" else ""
        )
        buttons.append(
            format_html(
                '<button type="submit" class="button" form="comment-row-action" formaction="{}" '
                'data-key="{}"{}>{}</button>',
                url,
                key,
                confirm,
                label,
            )
        )
    return format_html(
        '<div class="comment-row-actions">{}</div>', format_html_join("", "{}", ((b,) for b in buttons))
    )


@admin.register(Comment)
class CommentAdmin(LettersAboutMixin, admin.ModelAdmin):
    list_display = ["text", "author", "status", "created_at"]
    list_display_links = ["created_at"]
    list_filter = [StatusFilter, "created_at"]
    change_list_template = "admin/comments/comment/change_list.html"
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
        return (
            super()
            .get_queryset(request)
            .annotate(
                other_count=Coalesce(Subquery(others), 0),
                has_replies=Exists(Comment.objects.filter(parent=OuterRef("pk"))),
            )
        )

    def get_list_display(self, request):
        """The comment column carries the row's buttons, those this user may press."""
        can_moderate = self.has_moderate_permission(request)
        can_delete = can_moderate and self.has_delete_permission(request)

        @admin.display(description=_("comment"))
        def comment(comment):
            buttons = row_buttons(comment, can_delete=can_delete) if can_moderate else ""
            return format_html("{}{}{}", self.text(comment), self.article_link(comment), buttons)

        return [comment, *self.list_display[1:]]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/moderate/<str:action>/",
                self.admin_site.admin_view(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, object_id, action):
        """One row's button: approve, mark as spam or delete one comment, then back to the same queue."""
        if action not in ROW_ACTIONS:
            return redirect(self.queue_url(request))
        service, _label, permission, _key = ROW_ACTIONS[action]
        allowed = (
            self.has_moderate_permission(request)
            if permission == "moderate"
            else self.has_delete_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        comment = Comment.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if comment is None:  # deleted by the first of two clicks, or by another moderator
            self.message_user(request, gettext("This comment no longer exists."), messages.WARNING)
            return redirect(self.queue_url(request))
        who = {"name": comment.author_name}
        if action == "delete":
            try:
                comment_delete(comment=comment, moderator=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(self.queue_url(request))
            message = gettext("The comment by %(name)s is deleted.")
        else:
            service(comments=Comment.objects.filter(pk=comment.pk), moderator=request.user)
            message = (
                gettext("The comment by %(name)s is approved.")
                if action == "approve"
                else gettext("The comment by %(name)s is marked as spam.")
            )
        self.message_user(request, message % who, messages.SUCCESS)
        return redirect(self.queue_url(request))

    def queue_url(self, request):
        """Where a row's button leads back to: the queue page it was pressed on."""
        url = request.POST.get("next", "")
        changelist = reverse("admin:comments_comment_changelist")
        safe = url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return url if safe and url.startswith(changelist) else changelist

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
    def text(self, comment):
        return format_html(
            '<div class="comment-text">{}</div>',
            mark_safe(linebreaks(Truncator(comment.body).chars(1500), autoescape=True)),
        )

    def article_link(self, comment):
        with translation.override(comment.article.language):
            url = comment.article.get_absolute_url()
        link = format_html(
            '<a href="{}#comment-{}" target="_blank" rel="noopener">{}</a>', url, comment.pk, comment.article
        )
        # The translation places the article ("к статье …", "… maqolasiga"); it is escaped, the link is ours.
        line = mark_safe(conditional_escape(gettext("on %(article)s")) % {"article": link})
        return format_html('<p class="comment-article">{}</p>', line)

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment):
        others = ""
        if comment.other_count:
            query = urlencode({"status": "all", "author_email__exact": comment.author_email})
            url = f"{reverse('admin:comments_comment_changelist')}?{query}"
            label = (
                ngettext("%d other comment", "%d other comments", comment.other_count) % comment.other_count
            )
            others = format_html('<br><a href="{}">{}</a>', url, label)
        return format_html("{}<br><small>{}</small>{}", comment.author_name, comment.author_email, others)

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
