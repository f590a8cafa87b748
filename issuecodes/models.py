from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, TimeStampedModel

REVOKE_HELP = _(
    "Revoked codes can no longer be redeemed. Readers who redeemed them before keep their access: "
    "revoke their grants under Access grants if that is meant."
)


class CodeBatch(TimeStampedModel):
    """Codes printed in one issue: many single-use codes, or one code shared by up to `count` readers.

    The codes themselves exist only as hashes (issuecodes.codes); their text is given once, as the
    ZIP the admin answers the new batch with.
    """

    class Kind(models.TextChoices):
        SINGLE_USE = "single_use", _("Single-use codes")
        SHARED = "shared", _("One shared code")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.PROTECT, related_name="code_batches"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.SINGLE_USE)
    count = models.PositiveIntegerField(
        _("how many"),
        help_text=_("Single-use codes: how many codes. One shared code: how many readers may redeem it."),
    )
    access_days = models.PositiveIntegerField(
        _("access for days"),
        null=True,
        blank=True,
        help_text=_("Days of access after redeeming. Empty: the issue stays open to the reader for good."),
    )
    language = models.CharField(
        _("language of the links"),
        max_length=5,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The redeem page of the links and QR codes opens in this language."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("For the staff only; readers never see it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, help_text=REVOKE_HELP)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("code batch")
        verbose_name_plural = _("code batches")
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="code_batch_count_positive")]

    def __str__(self):
        return f"{self.issue.label}: {self.get_kind_display()} #{self.pk}"

    def ends_at(self, redeemed_at):
        """When access given at `redeemed_at` ends (None: never)."""
        if self.access_days is None:
            return None
        return redeemed_at + timedelta(days=self.access_days)


class Code(models.Model):
    """One printed code, stored as its HMAC; `redemptions` never passes `max_redemptions`."""

    batch = models.ForeignKey(
        CodeBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True, editable=False)
    last_four = models.CharField(_("last four characters"), max_length=4, editable=False)
    redemptions = models.PositiveIntegerField(_("redemptions"), default=0, editable=False)
    max_redemptions = models.PositiveIntegerField(_("redemption limit"), default=1)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, help_text=REVOKE_HELP)

    class Meta:
        ordering = ["id"]
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(redemptions__lte=F("max_redemptions")), name="code_redemptions_within_limit"
            ),
        ]

    def __str__(self):
        return f"…{self.last_four}"


class Redemption(models.Model):
    """A reader redeemed a code once; the grant it made lives on in readers."""

    code = models.ForeignKey(
        Code, verbose_name=_("code"), on_delete=models.PROTECT, related_name="redemption_rows"
    )
    reader = models.ForeignKey(
        "readers.Reader", verbose_name=_("reader"), on_delete=models.CASCADE, related_name="redemptions"
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), default=timezone.now, db_index=True)
    grant = models.ForeignKey(
        "readers.AccessGrant",
        verbose_name=_("access grant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [models.UniqueConstraint(fields=["code", "reader"], name="redemption_once_per_reader")]

    def __str__(self):
        return f"{self.code} ({self.redeemed_at:%Y-%m-%d %H:%M})"
