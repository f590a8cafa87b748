"""The dashboard's word on letters and tasks: what failed, and whether a worker is taking the queue.

No worker heartbeat exists in django-tasks-db, so the sign of a missing worker is the queue itself: a task
that has been due for more than OUTBOX_WORKER_ALERT_SECONDS and that no worker has taken.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import Letter


def letters_panel(request):
    """Failed and waiting letters, for users who may see letters."""
    if not request.user.has_perm("outbox.view_letter"):
        return None
    changelist = reverse("admin:outbox_letter_changelist")
    counts = Letter.objects.aggregate(
        failed=Count("pk", filter=Q(status=Letter.Status.FAILED)),
        queued=Count("pk", filter=Q(status=Letter.Status.QUEUED)),
    )
    items = [
        (_("letters failed"), counts["failed"], f"{changelist}?status__exact=failed"),
        (_("letters waiting to be sent"), counts["queued"], f"{changelist}?status__exact=queued"),
    ]
    alert = ""
    if counts["failed"]:
        latest = Letter.objects.failed().order_by("-updated_at").values_list("last_error", flat=True).first()
        alert = _("Latest failure: %(reason)s") % {"reason": latest}
    return {"title": _("Letters"), "items": items, "alert": alert}


def queue_state(now):
    """Tasks due and waiting, failed this week, and when the oldest waiting one became due (or None)."""
    not_deferred = Q(run_after=get_date_max())
    state = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=Q(status="READY") & (not_deferred | Q(run_after__lte=now))),
        failed=Count("pk", filter=Q(status="FAILED", finished_at__gte=now - timedelta(days=7))),
        due_at=Min("run_after", filter=Q(status="READY", run_after__lte=now) & ~not_deferred),
        enqueued_at=Min("enqueued_at", filter=Q(status="READY") & not_deferred),
    )
    state["oldest"] = min((at for at in (state["due_at"], state["enqueued_at"]) if at), default=None)
    return state


def tasks_panel(request):
    """The queue at a glance; warns when due tasks wait and no worker takes them."""
    if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
        return None
    now = timezone.now()
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    state = queue_state(now)
    items = [
        (_("tasks waiting for a worker"), state["waiting"], f"{changelist}?status__exact=READY"),
        (_("tasks failed in the last 7 days"), state["failed"], f"{changelist}?status__exact=FAILED"),
    ]
    alert = ""
    oldest = state["oldest"]
    if oldest and (now - oldest).total_seconds() > settings.OUTBOX_WORKER_ALERT_SECONDS:
        alert = _(
            "Tasks have been waiting for %(age)s: no worker is taking them. Start one: manage.py db_worker"
        ) % {"age": timesince(oldest, now)}
    return {"title": _("Background tasks"), "items": items, "alert": alert}
