"""Autosave: what an editor is typing, kept as a revision while the object itself stays as saved.

Like WordPress's autosave, each editor has at most one autosave of an object since its last save:
a newer one replaces it. Restoring it (from the revisions) is how the text comes back after a
closed tab or a crash; the live object, its children and its publication never change here.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from revisions.models import Revision


def autosave_record(*, obj, data, user):
    """Keep `data` (a revision's {"fields", "related"}) as `user`'s autosave of `obj`; return the revision.

    Nothing is written when `data` equals the newest revision (the form is unchanged since).
    """
    revisions = Revision.objects.for_object(obj)
    newest = revisions.first()
    if newest is not None and newest.data == data:
        return newest
    mine = revisions.filter(is_autosave=True, user=user, created_at__gte=obj.updated_at).first()
    if mine is None:
        mine = Revision(
            content_type=Revision.content_type_of(obj), object_id=obj.pk, user=user, is_autosave=True
        )
    mine.object_repr = str(obj)[:300]
    mine.data = data
    mine.created_at = timezone.now()
    mine.comment = _("Autosaved while typing (not saved yet).")
    mine.save()
    return mine


def newer_autosave(obj, user):
    """This user's autosave of `obj` made after its last save, or None."""
    return (
        Revision.objects.for_object(obj)
        .filter(is_autosave=True, user=user, created_at__gt=obj.updated_at)
        .only("pk", "created_at")
        .first()
    )
