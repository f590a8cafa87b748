from django.core.management.base import BaseCommand

from reach.reads import reads_fold
from reach.services import telegram_posts_detect, telegram_posts_recover


class Command(BaseCommand):
    help = (
        "Fold the counted reads into the daily counts, post to Telegram the articles whose time has come, "
        "and queue again posts whose task was lost. Idempotent; run it every few minutes "
        "(deploy/systemd/magazine-reach.timer)."
    )

    def handle(self, *args, **options):
        folded = reads_fold()
        posted = len(telegram_posts_detect())
        recovered = telegram_posts_recover()
        self.stdout.write(f"reads folded: {folded}; Telegram posts queued: {posted}; recovered: {recovered}")
