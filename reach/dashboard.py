from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import TelegramPost
from .telegram import is_enabled


def telegram_panel(request):
    """Failed and waiting Telegram posts, for users who may see them."""
    if not request.user.has_perm("reach.view_telegrampost"):
        return None
    changelist = reverse("admin:reach_telegrampost_changelist")
    counts = TelegramPost.objects.aggregate(
        failed=Count("pk", filter=Q(status=TelegramPost.Status.FAILED)),
        waiting=Count("pk", filter=Q(status__in=[TelegramPost.Status.QUEUED, TelegramPost.Status.SENDING])),
    )
    items = [
        (_("Telegram posts failed"), counts["failed"], f"{changelist}?status__exact=failed"),
        (_("Telegram posts waiting"), counts["waiting"], f"{changelist}?status__exact=queued"),
    ]
    alert = ""
    if counts["failed"]:
        latest = (
            TelegramPost.objects.failed().order_by("-updated_at").values_list("last_error", flat=True).first()
        )
        alert = _("Latest Telegram failure: %(reason)s") % {"reason": latest}
    elif not is_enabled():
        alert = _("The Telegram channel is off: TELEGRAM_BOT_TOKEN and TELEGRAM_CHANNEL are not set.")
    return {"title": _("Telegram channel"), "items": items, "alert": alert}
