from django.core.management.base import BaseCommand

from articles.search.index import search_index_rebuild
from articles.tasks import search_index_rebuild_task


class Command(BaseCommand):
    help = "Rebuild every article's search text (and vector on PostgreSQL), e.g. after loaddata or restore."

    def add_arguments(self, parser):
        parser.add_argument(
            "--background", action="store_true", help="Queue the rebuild for the task worker and return."
        )

    def handle(self, *args, background, **options):
        if background:
            result = search_index_rebuild_task.enqueue()
            self.stdout.write(self.style.SUCCESS(f"Search index rebuild queued (task {result.id})."))
            return
        count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {count} articles."))
