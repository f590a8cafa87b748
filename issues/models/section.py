"""A rubric (section) and the menu that lists them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from issues import shell
from issues.prepared import Prepared

from .base import translated


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
        return shell.rows("sections")

    @property
    def name_display(self):
        return translated(self, "name")


MENU = Prepared(lambda now: Section.objects.all())
