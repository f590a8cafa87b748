"""The page cache's app: it connects the one invalidation path."""

from django.apps import AppConfig


class SiteCacheConfig(AppConfig):
    name = "sitecache"
    verbose_name = "Page cache"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from sitecache import dependencies, pages, sessions, topics

        # The one invalidation path: every change of a row moves the cache topics it registered
        # (sitecache.dependencies); a row of a PAGE_CACHE_APPS app that registered none moves `site`.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(dependencies.model_changed, dispatch_uid=f"cache-topics-{signal}")
        topics.register_first_topics(pages.topics_read_before)
        if settings.SESSION_ENGINE == sessions.__name__:
            topics.register_first_read(sessions.session_cache_keys)
