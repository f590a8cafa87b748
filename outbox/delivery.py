"""Durable delivery: a row that a task sends once, retried with backoff, through killed workers.

One `Delivery` serves each kind of row the site sends (the outbox's letters, reach's Telegram posts). It
owns the claim of a due row, the counting of attempts, the retry schedule, the final failure state and
its log line, the operators' "send again", and the recovery of rows whose task was lost. What is sent,
and which errors are permanent, stays with each kind's task.

The row's model has `status` (queued, sending, sent, failed, with those values), `attempts`,
`last_error`, `next_attempt_at`, `sent_at` and `updated_at`. Its settings are read at call time from
<PREFIX>_MAX_ATTEMPTS, <PREFIX>_RETRY_SECONDS and <PREFIX>_SENDING_TIMEOUT. A failure is shown by the
row's status and last error (the admin lists and dashboards read them) and by an ERROR on `logger`.

At-least-once window: a row is claimed ("sending") for <PREFIX>_SENDING_TIMEOUT seconds. If the worker
dies after the far end accepted it but before the row says "sent", it is sent again once the claim runs
out; nothing else can send it twice.
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .queue import enqueue_at


class Delivery:
    """The delivery of one model's rows by `task` (which takes the row's pk and calls `claim` first).

    `describe(row)` names a row in a failure's log line; `abandoned_error` is the last error of a row
    whose worker stopped on the last attempt; `retriable` are the statuses an operator may send again
    (a claim that ran out always may). Log lines go to the logger of the task's module.
    """

    def __init__(self, *, model, task, prefix, describe, abandoned_error, retriable=("queued", "failed")):
        self.model, self.task, self.prefix = model, task, prefix
        self.describe, self.abandoned_error, self.retriable = describe, abandoned_error, list(retriable)
        self.logger = logging.getLogger(task.func.__module__)
        self.noun = model.__name__

    def setting(self, name):
        return getattr(settings, f"{self.prefix}_{name}")

    def retry_delay(self, attempts):
        """Seconds before the next try after `attempts` failed ones: 1, 4, 16… × <PREFIX>_RETRY_SECONDS."""
        return self.setting("RETRY_SECONDS") * 4 ** (attempts - 1)

    def claim(self, pk, *, now=None):
        """Mark row `pk` "sending" if it is due and ours to send (one conditional UPDATE) and return it.

        Due: queued; failed with a next try that has come; or "sending" with a claim that ran out (a killed
        worker), within <PREFIX>_MAX_ATTEMPTS. In the same transaction a watchdog run is queued for when
        this claim runs out. Not due: None, and a row abandoned on its last attempt is failed for good.
        """
        now = now or timezone.now()
        claim_until = now + timedelta(seconds=self.setting("SENDING_TIMEOUT"))
        due = Q(status="queued") | Q(status__in=["failed", "sending"], next_attempt_at__lte=now)
        with transaction.atomic():
            claimed = self.model.objects.filter(due, pk=pk, attempts__lt=self.setting("MAX_ATTEMPTS")).update(
                status="sending", attempts=F("attempts") + 1, next_attempt_at=claim_until, updated_at=now
            )
            if claimed:
                enqueue_at(self.task, claim_until + timedelta(seconds=1), pk)
        if not claimed:
            self.give_up_if_abandoned(pk, now=now)
            return None
        return self.model.objects.get(pk=pk)

    def give_up_if_abandoned(self, pk, *, now):
        """A row left "sending" by a killed worker on its last attempt is failed for good."""
        abandoned = self.model.objects.filter(pk=pk, status="sending", next_attempt_at__lte=now).update(
            status="failed", next_attempt_at=None, last_error=self.abandoned_error, updated_at=now
        )
        if abandoned:
            self.logger.error(
                "%s %s: its worker stopped on the last attempt; failed for good.", self.noun, pk
            )

    def failed(self, row, reason, *, now=None, permanent=False, delay=None):
        """Record why the claimed `row` failed, log it, and queue the next try (or give up).

        The next try comes after `delay` seconds, else after the backoff; none when `permanent` or when
        the attempts are used up.
        """
        now = now or timezone.now()
        reason = reason[:2000]
        final = permanent or row.attempts >= self.setting("MAX_ATTEMPTS")
        delay = self.retry_delay(row.attempts) if delay is None else delay
        next_at = None if final else now + timedelta(seconds=delay)
        with transaction.atomic():
            ours = self.model.objects.filter(pk=row.pk, status="sending", attempts=row.attempts).update(
                status="failed", last_error=reason, next_attempt_at=next_at, updated_at=now
            )
            if ours and not final:
                enqueue_at(self.task, next_at, row.pk)
        self.logger.error(
            "%s failed on attempt %d of %d (%s): %s",
            self.describe(row),
            row.attempts,
            self.setting("MAX_ATTEMPTS"),
            "failed for good" if final else f"next try at {next_at:%Y-%m-%d %H:%M:%S}",
            reason,
        )

    def sent(self, row, *, now=None, **fields):
        """Mark `row` sent (with `fields`, what the far end answered); a second send is only logged."""
        now = now or timezone.now()
        done = self.model.objects.filter(pk=row.pk).exclude(status="sent")
        if not done.update(
            status="sent", sent_at=now, next_attempt_at=None, last_error="", updated_at=now, **fields
        ):
            self.logger.warning(
                "%s %s was sent again after its claim ran out (at-least-once window).", self.noun, row.pk
            )

    def retry(self, rows) -> int:
        """Queue `rows` again now, with a fresh set of attempts; return how many.

        Only rows of a `retriable` status, or being sent on a claim that ran out (a killed worker), are.
        """
        now = timezone.now()
        retriable = rows.filter(Q(status__in=self.retriable) | Q(status="sending", next_attempt_at__lte=now))
        pks = list(retriable.values_list("pk", flat=True))
        with transaction.atomic():
            self.model.objects.filter(pk__in=pks).update(
                status="queued", attempts=0, next_attempt_at=None, updated_at=now
            )
            for pk in pks:
                transaction.on_commit(partial(self.task.enqueue, pk), robust=True)
        return len(pks)

    def overdue(self, now=None):
        """Unsent rows whose task may be lost: queued or claimed too long ago, or a retry overdue."""
        now = now or timezone.now()
        stale = now - timedelta(seconds=self.setting("SENDING_TIMEOUT"))
        return self.model.objects.filter(
            Q(status="queued", updated_at__lte=stale)
            | Q(status="sending", next_attempt_at__lte=now)
            | Q(status="failed", next_attempt_at__lte=stale)
        )

    def recover(self, now=None) -> int:
        """Queue a task for every overdue row (a duplicate task is harmless); return how many."""
        pks = list(self.overdue(now).values_list("pk", flat=True))
        for pk in pks:
            self.task.enqueue(pk)
        return len(pks)
