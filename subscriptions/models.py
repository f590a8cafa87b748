from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, TimeStampedModel

from .eligibility import issue_announceable_check


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The only subscribers who may receive anything but a confirmation letter."""
        return self.filter(status=self.model.Status.CONFIRMED)

    def with_email(self, email):
        """The subscriber with `email` (normalized), whatever its case; served by the unique index."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


class Subscriber(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    # Stored as normalized by forms.normalize_email (trimmed, domain lower-cased and IDNA-encoded);
    # unique regardless of case, since mailboxes differing only in case are one person in practice.
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language of the letters"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(_("last confirmation letter"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_unique_email"),
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED


class AnnouncementQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate sent_count, failed_count and pending_count (of deliveries) in the same query."""
        return self.annotate(
            **{
                f"{status}_count": models.Count("deliveries", filter=models.Q(deliveries__status=status))
                for status in ("sent", "failed", "pending")
            }
        )


class Announcement(TimeStampedModel):
    """The letter announcing one published issue; its deliveries record who has received it."""

    issue = models.OneToOneField(
        Issue, verbose_name=_("issue"), on_delete=models.PROTECT, related_name="announcement"
    )
    started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished at"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("send_announcement", _("Can send announcements to subscribers"))]

    def __str__(self):
        return str(_("Announcement of issue %(label)s") % {"label": self.issue.label})

    def clean(self):
        if self.issue_id:
            try:
                issue_announceable_check(self.issue)
            except ValidationError as error:
                raise ValidationError({"issue": error}) from None


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    announcement = models.ForeignKey(
        Announcement, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "subscriber"], name="delivery_once_per_subscriber"
            ),
        ]
        indexes = [models.Index(fields=["announcement", "status"], name="delivery_announcement_status")]

    def __str__(self):
        return f"{self.announcement} → {self.subscriber}"
