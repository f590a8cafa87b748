"""The revisions app: the Revision model (its table is still magazine_revision), the admin's history."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionsConfig(AppConfig):
    name = "revisions"
    verbose_name = _("revisions")

    def ready(self):
        import sitecache
        from revisions.models import Revision

        sitecache.register_topics(Revision, lambda instance, **kwargs: [])  # readers never see revisions
