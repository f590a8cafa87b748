from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "reach"
    verbose_name = _("Reach: Telegram and most read")

    def ready(self):
        from desk import dashboard
        from issues import sidebar
        from sitecache import register_fill

        from . import signals
        from .dashboard import telegram_panel
        from .middleware import MARKER, most_read_for

        sidebar.register("reach/_sidebar_most_read.html", order=30)
        register_fill(MARKER, most_read_for)
        dashboard.register_panel(telegram_panel, order=50)
        signals.connect()
