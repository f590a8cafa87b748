from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from django.db.models.signals import pre_save
        from taggit.models import Tag

        from magazine import cache, dashboard, sidebar

        from . import signals
        from .dashboard import articles_panel
        from .models import Article
        from .tagging import refuse_tag_without_url

        cache.register_boundary(Article.objects.next_publication)
        cache.register_boundary(Article.objects.next_opening)
        sidebar.register("articles/_sidebar_pr.html", order=40)
        dashboard.register_panel(articles_panel, order=20)
        signals.connect()
        pre_save.connect(refuse_tag_without_url, sender=Tag, dispatch_uid="tag-has-url")
