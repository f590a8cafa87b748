from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from desk.weekly import per_week

from .models import Comment


def comments_panel(request):
    """The moderation queue at a glance, for users who may moderate."""
    if not request.user.has_perm("comments.moderate_comment"):
        return None
    pending = Comment.objects.filter(status=Comment.Status.PENDING).count()
    queue = reverse("admin:comments_comment_changelist")
    label = ngettext("comment waits for moderation", "comments wait for moderation", pending)
    return {"title": _("Comments"), "items": [(label, pending, queue)]}


def approved_per_week(since):
    return per_week(Comment.objects.filter(status=Comment.Status.APPROVED), "approved_at", since)
