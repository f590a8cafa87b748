from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils.translation import gettext_lazy as _

from issues.models import TimeStampedModel


class LetterQuerySet(models.QuerySet):
    def about(self, obj):
        """The letters about `obj` (a subscriber, a comment…), newest first."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def failed(self):
        return self.filter(status=self.model.Status.FAILED)

    def unsent(self):
        """Letters not sent yet, whether waiting, being sent or failed (for now or for good)."""
        return self.exclude(status=self.model.Status.SENT)


class Letter(TimeStampedModel):
    """One email on its way: kept from the request that wrote it until the worker has sent it."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Subscription confirmation")
        ANNOUNCEMENT = "announcement", _("Issue announcement")
        COMMENT_PENDING = "comment_pending", _("Comment waiting for moderation")
        SIGN_IN = "sign_in", _("Sign-in")
        REMINDER = "reminder", _("Reminder")
        TEST = "test", _("Test letter")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind, default=Kind.OTHER)
    to = models.CharField(
        _("to"), max_length=2000, help_text=_("One address, or several separated by commas.")
    )
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Failed: when the next try is due (empty: failed for good). Sending: when the claim runs out.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Queuing the same key again returns the letter already queued: nothing is sent twice.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True, null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), on_delete=models.SET_NULL, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        permissions = [("retry_letter", _("Can send letters and tasks again"))]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="letter_about"),
            models.Index(fields=["status", "next_attempt_at"], name="letter_status_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"

    @property
    def recipients(self):
        return [address.strip() for address in self.to.split(",") if address.strip()]

    def message(self):
        """The letter as Django's email message, multipart when it has an HTML part."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=self.recipients,
            headers=self.headers or {},
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message
