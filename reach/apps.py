from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    name = "reach"
    verbose_name = _("Reach: Telegram and most read")

    def ready(self):
        from desk import dashboard
        from issues import sidebar

        from . import signals
        from .dashboard import telegram_panel

        sidebar.register("reach/_sidebar_most_read.html", order=30)
        dashboard.register_panel(telegram_panel, order=50)
        signals.connect()
