from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext

from .models import TelegramPost
from .services import telegram_posts_retry

RETRY_PERMISSION = "reach.retry_telegrampost"


@admin.register(TelegramPost)
class TelegramPostAdmin(admin.ModelAdmin):
    """Every article posted (or to be posted) to the Telegram channel: why one failed, and a retry."""

    list_display = ["article", "language", "status", "attempts", "short_error", "message_id", "sent_at"]
    list_filter = ["status", "language", "created_at"]
    list_select_related = ["article"]
    search_fields = ["article__title", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    fields = [
        ("article", "language", "channel"),
        ("status", "attempts", "next_attempt_at", "sent_at", "message_id"),
        "last_error",
        "text",
        "created_at",
    ]
    readonly_fields = [name for row in fields for name in (row if isinstance(row, tuple) else [row])]

    def has_add_permission(self, request):
        return False  # posts are written when an article is published, never by hand

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm(RETRY_PERMISSION)

    @admin.display(description=_("last error"))
    def short_error(self, post):
        return Truncator(post.last_error).chars(100)

    @admin.action(description=_("Post the selected articles to Telegram again now"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        count = telegram_posts_retry(posts=queryset)
        self.message_user(request, ngettext("%d post queued again.", "%d posts queued again.", count) % count)
