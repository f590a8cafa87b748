from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagazineConfig(AppConfig):
    name = "magazine"
    verbose_name = _("Magazine")

    def ready(self):
        from django.core.signals import request_finished
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import cache, checks  # noqa: F401 (checks register themselves)
        from .cache import dependencies
        from .models import Event, Revision
        from .request_id import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="forget-request-id")

        # The one invalidation path: every change of a row moves the cache topics it registered
        # (magazine.cache.dependencies); issues, sections, events and contacts move `site`.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(dependencies.model_changed, dispatch_uid=f"cache-topics-{signal}")
        cache.register_topics(Revision, lambda instance, **kwargs: [])  # readers never see revisions
        # An event starting or ending changes the sidebar of every page.
        cache.register_boundary(Event.objects.next_change, lambda start, end: [cache.SITE])
