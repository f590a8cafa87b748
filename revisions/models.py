"""Revision: a saved state of an issue, event or article. Its table is still `magazine_revision`.

The model was in the app labelled "magazine" until the split of issue 20; migrations 0007 of that app
and 0001 of this one moved it in Django's state only (the table, its rows and its index stayed), and
renamed its content type so that the permissions ("revisions.view_revision"…) follow it.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backups.exact_json import ExactEncoder


class RevisionQuerySet(models.QuerySet):
    def for_object(self, obj):
        """The revisions of `obj`, newest first."""
        return self.filter(content_type=Revision.content_type_of(obj), object_id=obj.pk)


class Revision(models.Model):
    """A saved state of an issue, event or article (with its blocks); written by revisions.snapshots."""

    content_type = models.ForeignKey(ContentType, verbose_name=_("content type"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    data = models.JSONField(_("data"), encoder=ExactEncoder)
    comment = models.TextField(_("comment"), blank=True)
    # Written while an editor types (revisions.autosave): the article itself was not saved.
    is_autosave = models.BooleanField(_("autosave"), default=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="revision_object_created"),
        ]
        db_table = "magazine_revision"

    def __str__(self):
        return f"{self.object_repr} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    @staticmethod
    def content_type_of(obj):
        return ContentType.objects.get_for_model(obj)
