"""What a comment's change makes stale in the cache (sitecache): its article's comment section."""


def comment_topics(instance, created=False, **kwargs):
    if created and instance.status != instance.Status.APPROVED:
        return []  # a new waiting comment is shown only to its author, whose pages are never cached
    return [f"comments:{instance.article_id}"]
