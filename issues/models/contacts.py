"""The editorial office's contacts: one row, shown in the sidebar and on the contacts page."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from issues import shell
from issues.prepared import Prepared
from richtext.sanitize import RichTextField

from .base import translated


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
        """The contacts (read with the shell's other rows), or unsaved defaults if there are none yet."""
        return next(iter(shell.rows("contacts")), None) or cls(pk=1)

    @property
    def address_display(self):
        return translated(self, "address")

    @property
    def body_display(self):
        return translated(self, "body")


CONTACTS = Prepared(lambda now: Contacts.objects.filter(pk=1).order_by("pk")[:1])
