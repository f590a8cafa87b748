from django.core.management.base import BaseCommand

from printsubscribers.letters import reminders_send


class Command(BaseCommand):
    help = (
        "Queue the renewal reminders of print subscriptions ending in 30 and in 7 days (once each). "
        "Run it daily; running it again the same day sends nothing more."
    )

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(f"{count} reminder(s) queued.")
