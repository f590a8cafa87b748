from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from magazine import sidebar

        sidebar.register("articles/_sidebar_pr.html", order=40)
