from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Letters and tasks")

    def ready(self):
        from desk import dashboard

        from . import checks, dashboard as outbox_dashboard  # noqa: F401 -- checks registers itself

        dashboard.register_panel(outbox_dashboard.letters_panel, order=40)
        dashboard.register_panel(outbox_dashboard.tasks_panel, order=45)
