from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintSubscribersConfig(AppConfig):
    name = "printsubscribers"
    verbose_name = _("Print subscribers")

    def ready(self):
        from desk import dashboard
        from readers import ways
        from readers.signals import reader_signed_in

        from .dashboard import print_subscriptions_panel
        from .receivers import link_on_sign_in

        dashboard.register_panel(print_subscriptions_panel, order=36)
        ways.register_way_in("printsubscribers/_way_in.html", order=50)
        reader_signed_in.connect(link_on_sign_in, dispatch_uid="printsubscribers-link-on-sign-in")
