from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from images.processing import CleanImageField, UploadTo, make_crops
from issues.prepared import Prepared
from richtext.sanitize import RichTextField
from sitecache import SITE, changed, remember


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class CoverFocalPoint(models.Model):
    """The focal point of the model's `cover`: its cropped renditions keep that point in view."""

    cover_focus_x = models.PositiveSmallIntegerField(
        _("focal point across (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    cover_focus_y = models.PositiveSmallIntegerField(
        _("focal point down (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.cover and (self.cover_focus_x is None or self.cover_focus_y is None):
            self.cover_focus_x, self.cover_focus_y = 50, 50
        super().save(*args, **kwargs)
        if self.cover_focus:
            make_crops(self.cover, self.cover_focus)

    @property
    def cover_focus(self):
        """(x %, y %) once the cover's crops exist (set on the first save with a cover), else None."""
        if self.cover and self.cover_focus_x is not None and self.cover_focus_y is not None:
            return (self.cover_focus_x, self.cover_focus_y)
        return None


class SettingsRow(models.Model):
    """Settings with one row (pk 1) that editors change in the admin; they shape what readers see.

    Saving makes every cached piece stale (topic `site`): at once and again after the commit, so no
    request keeps the old row meanwhile. `load()` keeps the row until it changes, under `cache_name`.
    """

    cache_name: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        changed(SITE)

    @classmethod
    def from_database(cls):
        """The settings row, or unsaved defaults if there is none yet."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def load(cls):
        """`from_database()`, kept until the content changes."""
        return remember(cls.cache_name, cls.from_database)


def translated(instance, field):
    """The value of `field` in the active language (`field_ru`, `field_en`), else the Uzbek original."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    if language != settings.LANGUAGE_CODE:
        value = getattr(instance, f"{field}_{language}", "")
        if value:
            return value
    return getattr(instance, field)


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


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, db_index=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("magazine:section-detail", kwargs={"slug": self.slug})

    @classmethod
    def menu(cls):
        """Every section in menu order, kept until the content changes (the menu, the search filter)."""
        return remember("sections", MENU)

    @property
    def name_display(self):
        return translated(self, "name")


class Contacts(models.Model):
    """The editorial office's contacts: one row, shown in the sidebar and on /contacts/."""

    address = models.TextField(_("address"), blank=True)
    address_ru = models.TextField(_("address (Russian)"), blank=True)
    address_en = models.TextField(_("address (English)"), blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    body = RichTextField(_("page text"), blank=True)
    body_ru = RichTextField(_("page text (Russian)"), blank=True)
    body_en = RichTextField(_("page text (English)"), blank=True)

    class Meta:
        verbose_name = _("contacts")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return str(_("Contacts"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return next(iter(CONTACTS()), None) or cls(pk=1)

    @property
    def address_display(self):
        return translated(self, "address")

    @property
    def body_display(self):
        return translated(self, "body")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        """Events not yet over, soonest first."""
        now = now or timezone.now()
        return (
            self.published()
            .filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now))
            .order_by("starts_at", "id")
        )

    def next_change(self, now):
        """When the list of upcoming events next changes by itself: the next start or end."""
        found = self.published().aggregate(
            starts=models.Min("starts_at", filter=Q(starts_at__gt=now)),
            ends=models.Min("ends_at", filter=Q(ends_at__gt=now)),
        )
        moments = [moment for moment in found.values() if moment]
        return min(moments) if moments else None

    def past(self, now=None):
        now = now or timezone.now()
        return (
            self.published()
            .filter(Q(ends_at__lt=now) | Q(ends_at__isnull=True, starts_at__lt=now))
            .order_by("-starts_at", "-id")
        )


class Event(TimeStampedModel):
    """An event of the affiche: a conference, a presentation of an issue, a round table."""

    title = models.CharField(_("title"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    place_ru = models.CharField(_("place (Russian)"), max_length=300, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)
    description_ru = RichTextField(_("description (Russian)"), blank=True)
    description_en = RichTextField(_("description (English)"), blank=True)
    link = models.URLField(_("link"), blank=True)
    image = CleanImageField(
        _("image"),
        upload_to=UploadTo("events"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('magazine:events')}#event-{self.pk}"

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for readers who cannot see it.")})

    @property
    def title_display(self):
        return translated(self, "title")

    @property
    def place_display(self):
        return translated(self, "place")

    @property
    def description_display(self):
        return translated(self, "description")


# The menu's and the sidebar's queries, compiled once per process (issues.prepared).
MENU = Prepared(lambda now: Section.objects.all())
CONTACTS = Prepared(lambda now: Contacts.objects.filter(pk=1).order_by("pk")[:1])
