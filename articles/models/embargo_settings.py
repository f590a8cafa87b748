"""The site's embargo default: how long a print-first article stays whole for readers with access only."""

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, SettingsRow


class EmbargoSettings(SettingsRow):
    """When print-first articles open to everyone: one row editors change in the admin (articles.embargo)."""

    cache_name = "embargo-settings"

    open_after_days = models.PositiveIntegerField(
        _("open print-first articles after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after the issue's publication date (or the article's publication, outside an issue) "
            "when print-first articles become free for everyone. Empty: they stay print-first. An issue "
            "may set its own delay, or never."
        ),
    )

    class Meta:
        verbose_name = _("embargo")
        verbose_name_plural = _("embargo")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="embargo_settings_singleton")]

    def __str__(self):
        return str(_("Embargo"))

    def save(self, *args, **kwargs):
        with transaction.atomic():  # every print-first article may open or close with the new default
            super().save(*args, **kwargs)
            from .article import Article  # the article's module imports this one

            following_default = Issue.objects.filter(embargo=Issue.Embargo.SITE_DEFAULT)
            Article.objects.openings_refresh(following_default, outside_issues=True)
