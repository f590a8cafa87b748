from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "readers"
    verbose_name = _("Readers")

    def ready(self):
        from desk import dashboard

        from . import cached
        from .dashboard import readers_panel

        dashboard.register_panel(readers_panel, order=35)
        cached.connect()
