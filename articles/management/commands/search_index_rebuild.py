from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import search_index_update


class Command(BaseCommand):
    help = "Rebuild every article's search text (and vector on PostgreSQL), e.g. after loaddata or restore."

    def handle(self, *args, **options):
        count = 0
        for article in Article.objects.prefetch_related("tags", "authors").iterator(chunk_size=200):
            search_index_update(article)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {count} articles."))
