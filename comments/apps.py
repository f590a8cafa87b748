from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        import sitecache as cache
        from articles import extensions
        from desk import dashboard
        from issues import shell

        from . import dashboard as comments_dashboard, moderation, signals
        from .forms import rendered_at_token
        from .models import DISCUSSION_SETTINGS, Comment

        extensions.register_below_article("comments/_article_comments.html")
        shell.register("discussion-settings", DISCUSSION_SETTINGS)
        # A cached page's comment form gets each visitor's own time stamp, like its CSRF token.
        cache.register_fresh_field("rendered_at", lambda request: rendered_at_token())
        # Pages change by themselves when an article's comments close (close_after_days).
        cache.register_boundary(moderation.next_closing, moderation.closing_topics)
        # Saving DiscussionSettings moves `site` by itself (issues.models.SettingsRow).
        cache.register_topics(Comment, signals.comment_topics)
        dashboard.register_panel(comments_dashboard.comments_panel, order=10)
        dashboard.register_series(
            _("Approved comments"), comments_dashboard.approved_per_week, permission="comments.view_comment"
        )
