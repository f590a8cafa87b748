from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        from desk import dashboard
        from issues import sidebar

        from . import dashboard as subscriptions_dashboard

        sidebar.register("subscriptions/_subscribe_box.html", order=50)
        dashboard.register_panel(subscriptions_dashboard.subscribers_panel, order=30)
        dashboard.register_series(
            _("Confirmed subscribers"),
            subscriptions_dashboard.confirmed_per_week,
            permission="subscriptions.view_subscriber",
        )
