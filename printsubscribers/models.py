from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import TimeStampedModel
from readers.models import AccessGrant, Reader


def normalize_postal_code(value):
    """'100 017' and '100017 ' are one postal code: spaces dropped, letters upper-cased."""
    return "".join(str(value or "").split()).upper()


class PrintSubscriptionQuerySet(models.QuerySet):
    def in_force(self, today=None):
        """Subscriptions whose period holds `today` (the site's day)."""
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)

    def linked(self):
        return self.filter(reader__isnull=False)

    def ending_within(self, days, today=None):
        """In force and ending within `days` days from `today`."""
        today = today or timezone.localdate()
        return self.in_force(today).filter(ends_on__lte=today + timedelta(days=days))


class PrintSubscription(TimeStampedModel):
    """One subscriber of the printed magazine, as the distribution office lists them.

    A reader links it to their account (subscriber number and postal code, or the same verified
    address at sign-in); the link is one access grant, whose period follows the subscription's days.
    """

    number = models.CharField(
        _("subscriber number"),
        max_length=40,
        unique=True,
        help_text=_("The number the distribution office gives the subscriber."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Stored normalized (readers.services.reader_email), so a reader's address finds it exactly.
    email = models.EmailField(_("email"), max_length=254, blank=True, db_index=True)
    postal_code = models.CharField(_("postal code"), max_length=20)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reader = models.ForeignKey(
        Reader,
        verbose_name=_("reader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="print_subscriptions",
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    grant = models.ForeignKey(
        AccessGrant,
        verbose_name=_("access grant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_30_at = models.DateTimeField(_("reminded 30 days before"), null=True, blank=True)
    reminded_7_at = models.DateTimeField(_("reminded 7 days before"), null=True, blank=True)

    objects = PrintSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("print subscription")
        verbose_name_plural = _("print subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="print_subscription_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.postal_code = normalize_postal_code(self.postal_code)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        self.postal_code = normalize_postal_code(self.postal_code)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The last day comes before the first day.")}, code="ends_before_start"
            )
