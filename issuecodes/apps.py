from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssueCodesConfig(AppConfig):
    name = "issuecodes"
    verbose_name = _("Codes from the issue")

    def ready(self):
        from desk import dashboard
        from readers.ways import register_way_in

        from .dashboard import codes_panel

        dashboard.register_panel(codes_panel, order=40)
        register_way_in("issuecodes/_way_in.html", order=50)
