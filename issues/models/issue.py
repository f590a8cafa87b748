"""An issue of the printed magazine: its numbers, theme, cover, editor's note and publication."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from images.processing import CleanImageField, UploadTo
from richtext.sanitize import RichTextField

from .base import CoverFocalPoint, TimeStampedModel, translated


class IssueQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see of the issues."""
        return self.filter(is_published=True)


class Issue(CoverFocalPoint, TimeStampedModel):
    class Embargo(models.TextChoices):
        SITE_DEFAULT = "", _("As the site's default says")
        AFTER_DAYS = "days", _("After the number of days below")
        NEVER = "never", _("Never: they stay print-first")

    year = models.PositiveSmallIntegerField(_("year"))
    number_first = models.PositiveSmallIntegerField(
        _("number"), help_text=_("The issue's number in its year.")
    )
    number_last = models.PositiveSmallIntegerField(
        _("last number"),
        null=True,
        blank=True,
        help_text=_("For a double issue such as 1-2: the second number."),
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    theme_ru = models.CharField(_("theme (Russian)"), max_length=200, blank=True)
    theme_en = models.CharField(_("theme (English)"), max_length=200, blank=True)
    cover = CleanImageField(
        _("cover"),
        upload_to=UploadTo("covers"),
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(_("cover description"), max_length=250, blank=True)
    description = RichTextField(_("editor's note"), blank=True)
    description_ru = RichTextField(_("editor's note (Russian)"), blank=True)
    description_en = RichTextField(_("editor's note (English)"), blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    price = models.CharField(_("price"), max_length=100, blank=True, help_text=_("For example: 25 000 so'm."))
    where_to_buy = models.TextField(_("where to buy"), blank=True)
    where_to_buy_ru = models.TextField(_("where to buy (Russian)"), blank=True)
    where_to_buy_en = models.TextField(_("where to buy (English)"), blank=True)
    embargo = models.CharField(
        _("print-first articles open to everyone"),
        max_length=10,
        choices=Embargo,
        default=Embargo.SITE_DEFAULT,
        blank=True,
        help_text=_("Counted from the publication date (or each article's publication time without one)."),
    )
    embargo_days = models.PositiveIntegerField(_("days after publication"), null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number_first"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.UniqueConstraint(fields=["year", "number_first"], name="issue_unique_number"),
            models.CheckConstraint(
                condition=Q(number_last__isnull=True) | Q(number_last__gt=F("number_first")),
                name="issue_last_number_after_first",
            ),
            models.CheckConstraint(condition=Q(year__gte=1900, year__lte=2200), name="issue_year_range"),
            models.CheckConstraint(condition=Q(number_first__gte=1), name="issue_number_positive"),
            models.CheckConstraint(
                condition=~Q(embargo="days") | Q(embargo_days__isnull=False), name="issue_embargo_has_days"
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("magazine:issue-detail", kwargs={"year": self.year, "numbers": self.numbers})

    def clean(self):
        if self.embargo == self.Embargo.AFTER_DAYS and self.embargo_days is None:
            raise ValidationError({"embargo_days": _("Say after how many days the articles open.")})

    @property
    def numbers(self):
        """'3' for a single issue, '1-2' for a double one."""
        if self.number_last:
            return f"{self.number_first}-{self.number_last}"
        return str(self.number_first)

    @property
    def label(self):
        return f"{self.numbers}/{self.year}"

    @property
    def theme_display(self):
        return translated(self, "theme")

    @property
    def description_display(self):
        return translated(self, "description")

    @property
    def where_to_buy_display(self):
        return translated(self, "where_to_buy")
