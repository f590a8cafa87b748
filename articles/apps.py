from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from magazine import cache, dashboard, sidebar

        from . import signals
        from .dashboard import articles_panel
        from .models import Article

        cache.register_boundary(Article.objects.next_publication)
        cache.register_boundary(Article.objects.next_opening)
        sidebar.register("articles/_sidebar_pr.html", order=40)
        dashboard.register_panel(articles_panel, order=20)
        signals.connect()
