import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from issues.models import Issue
from subscriptions.eligibility import issue_announceable
from subscriptions.models import Delivery
from subscriptions.sending import announcement_send
from subscriptions.services import announcement_create, issue_announce

LABEL = re.compile(r"(?P<first>\d{1,2})(?:-(?P<last>\d{1,2}))?/(?P<year>\d{4})")
BAR_WIDTH = 30


def issue_find(reference):
    """The issue named by a label ("1-2/2025", "3/2025") or a pk, or None."""
    if reference.isdigit():
        return Issue.objects.filter(pk=int(reference)).first()
    match = LABEL.fullmatch(reference.strip())
    if match is None:
        return None
    last = match["last"]
    return Issue.objects.filter(
        year=int(match["year"]), number_first=int(match["first"]), number_last=int(last) if last else None
    ).first()


class Command(BaseCommand):
    help = "Send the announcement of a published issue to every confirmed subscriber; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("issue", help='The issue: its label ("1-2/2025") or its id.')
        parser.add_argument("--rate", type=float, help="Letters per second; 0 is unthrottled.")
        parser.add_argument("--batch-size", type=int, help="Letters per SMTP connection.")
        parser.add_argument("--max-attempts", type=int, help="Tries per address, over all runs.")
        parser.add_argument(
            "--background", action="store_true", help="Queue the sending for the task worker and return."
        )

    def handle(self, *args, issue, rate, batch_size, max_attempts, background, **options):
        found = issue_find(issue)
        if found is None:
            raise CommandError(f"No issue {issue!r}: give its label, such as 1-2/2025, or its id.")
        if not issue_announceable(found):
            raise CommandError(f"Issue {found.label} is not published: publish it before announcing it.")
        try:
            announcement = announcement_create(issue=found)
            result = issue_announce(announcement=announcement, background=background)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if background:
            self.stdout.write(f"Issue {found.label}: sending queued for the worker (task {result.id}).")
            return
        max_attempts = max_attempts or settings.SUBSCRIPTIONS_SEND_MAX_ATTEMPTS
        report = announcement_send(
            announcement=announcement,
            rate=rate,
            batch_size=batch_size,
            max_attempts=max_attempts,
            progress=self.show_progress,
        )
        self.stdout.write("")
        given_up = announcement.deliveries.filter(status=Delivery.Status.FAILED, attempts__gte=max_attempts)
        self.stdout.write(
            f"Issue {found.label}: {report.sent} sent, {report.failed} failed, {report.remaining} remaining "
            f"(in all: {announcement.deliveries.filter(status=Delivery.Status.SENT).count()} sent, "
            f"{given_up.count()} given up)."
        )
        for delivery in given_up.select_related("subscriber")[:20]:
            self.stdout.write(f"  failed: {delivery.subscriber.email}: {delivery.last_error}")
        if report.stopped == "failures":
            raise CommandError(
                "Stopped: too many letters failed in a row. Check the mail server, then rerun."
            )
        if report.remaining:
            self.stdout.write(f"Run again to retry: manage.py send_issue_announcement {found.label}")

    def show_progress(self, done, total):
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        percent = 100 * done // total if total else 100
        self.stdout.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {percent:3d}%", ending=""
        )
        self.stdout.flush()
