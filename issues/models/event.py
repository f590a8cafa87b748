"""Events (the affiche): what is coming up, for the sidebar and the events page."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from images.processing import CleanImageField, UploadTo
from richtext.sanitize import RichTextField

from .base import TimeStampedModel, translated


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
