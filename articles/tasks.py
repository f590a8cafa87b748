"""Slow article work as tasks, for a worker (`manage.py db_worker`) rather than a request."""

from django.tasks import task

from .search.index import search_index_rebuild


@task
def search_index_rebuild_task() -> int:
    """Rebuild the whole search index; returns the number of articles indexed."""
    return search_index_rebuild()
