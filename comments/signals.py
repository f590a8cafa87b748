"""Approved comments and the discussion settings are part of article pages: changes refresh the page cache."""

from django.db import transaction

from magazine.cache import comments_changed, content_changed


def comment_saved_or_deleted(sender, instance, created=False, **kwargs):
    if created and instance.status != instance.Status.APPROVED:
        return  # a new waiting comment is shown only to its author, whose pages are never cached
    transaction.on_commit(comments_changed)


def discussion_saved(sender, **kwargs):
    transaction.on_commit(content_changed)
