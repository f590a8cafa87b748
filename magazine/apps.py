from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MagazineConfig(AppConfig):
    name = "magazine"
    verbose_name = _("Magazine")

    def ready(self):
        from django.core.signals import request_finished
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import cache, checks  # noqa: F401 (checks register themselves)
        from .models import Event
        from .request_id import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="forget-request-id")

        for signal in (post_save, post_delete):
            signal.connect(cache.content_changed_for_model, dispatch_uid=f"pages-{signal}")
        m2m_changed.connect(cache.content_changed_for_model, dispatch_uid="pages-m2m")
        cache.register_boundary(lambda now: Event.objects.next_change(now))
