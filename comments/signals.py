"""What a comment's change makes stale in the cache (magazine.cache): its article's comment section."""


def comment_topics(instance, created=False, **kwargs):
    if created and instance.status != instance.Status.APPROVED:
        return []  # a new waiting comment is shown only to its author, whose pages are never cached
    return [f"comments:{instance.article_id}"]
