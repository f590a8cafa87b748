"""What the magazine's models share: creation and change times, a cover's focal point, a settings row
kept in one row, and a field's value in the reader's language (`translated`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language, gettext_lazy as _

from images.processing import make_crops
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
