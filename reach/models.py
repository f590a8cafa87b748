from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from issues.models import TimeStampedModel


class TelegramPostQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=self.model.Status.FAILED)


class TelegramPost(TimeStampedModel):
    """One article's post to the magazine's Telegram channel: written once, sent by a task, retried."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="telegram_posts"
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Failed: when the next try is due (empty: failed for good). Sending: when the claim runs out.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=200, blank=True)
    message_id = models.BigIntegerField(_("message id"), null=True, blank=True)
    text = models.TextField(_("text sent"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = TelegramPostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Telegram post")
        verbose_name_plural = _("Telegram posts")
        permissions = [("retry_telegrampost", _("Can send Telegram posts again"))]
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="telegram_post_once_per_language")
        ]

    def __str__(self):
        return f"{self.article} ({self.language})"


class DailyReadCount(models.Model):
    """How many times an article was read on one day: a number only, nothing about who read it."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="daily_reads"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("reads"), default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = _("daily read count")
        verbose_name_plural = _("daily read counts")
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="daily_read_once_per_day")]
        indexes = [models.Index(fields=["day", "article"], name="daily_read_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"
