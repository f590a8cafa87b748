from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from django.db.models.signals import pre_save
        from taggit.models import Tag

        from desk import dashboard
        from issues import shell, sidebar
        from sitecache import register_everywhere

        from . import cache_topics, signals
        from .dashboard import articles_panel
        from .tagging import refuse_tag_without_url
        from .templatetags.articles_tags import LATEST_SPONSORED

        cache_topics.connect()
        shell.register("latest-sponsored", LATEST_SPONSORED, topics=["list:sponsored"])
        register_everywhere("list:sponsored")  # the sidebar's PR list is on nearly every page
        sidebar.register("articles/_sidebar_pr.html", order=40)
        dashboard.register_panel(articles_panel, order=20)
        signals.connect()
        pre_save.connect(refuse_tag_without_url, sender=Tag, dispatch_uid="tag-has-url")
