from django.core.management.base import BaseCommand

from outbox.services import letters_recover


class Command(BaseCommand):
    help = (
        "Queue again every letter whose delivery task may be lost (a killed worker, a queue write that "
        "failed). Safe at any time; `make run` and the worker's service run it before the worker starts."
    )

    def handle(self, *args, **options):
        count = letters_recover()
        self.stdout.write(f"{count} overdue letters queued again.")
