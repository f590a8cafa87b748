"""Revisions: every saved state of an issue, event or article (with its blocks), and restoring one.

Generic on purpose: `magazine` must not import `articles`, so the children to keep with an object
(an article's blocks) are named by their reverse accessor in `related`. A revision's `data` is
{"fields": {...}, "related": {"blocks": [{...}, ...]}}, values as the "python" serializer gives them,
files as their stored names, many-to-many as primary keys, and django-taggit's tags as their names (a
tag is what its name says; restoring one that was deleted since makes it again).
"""

import datetime
import json

from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from taggit.managers import TaggableManager

from backups.exact_json import ExactEncoder
from ops.audit import audit
from revisions.models import Revision


def dimension_fields(model):
    """The width and height fields that ImageFields fill from their files."""
    return {
        name
        for field in model._meta.concrete_fields
        if isinstance(field, models.ImageField)
        for name in (field.width_field, field.height_field)
        if name
    }


def tag_fields(model):
    """The django-taggit managers of `model` that a form edits."""
    return [f for f in model._meta.many_to_many if isinstance(f, TaggableManager) and f.editable]


def snapshot_fields(instance, *, exclude=()):
    """The instance's editable fields (and image sizes) as JSON-safe values; many-to-many as pk lists,
    tags as sorted names."""
    opts = instance._meta
    names = [
        f.name for f in opts.concrete_fields if f.editable and not f.primary_key and f.name not in exclude
    ]
    names += sorted(dimension_fields(type(instance)))
    names += [f.name for f in opts.many_to_many if f.editable and f.remote_field.through._meta.auto_created]
    fields = serializers.serialize("python", [instance], fields=names)[0]["fields"]
    # In UTC, as read from the database: a time just taken from a form is in the local zone.
    fields = {name: as_utc(value) for name, value in fields.items()}
    for field in tag_fields(type(instance)):
        if field.name not in exclude:
            fields[field.name] = sorted(tag.name for tag in field.value_from_object(instance))
    return json.loads(json.dumps(fields, cls=ExactEncoder))


def as_utc(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(datetime.UTC)
    return value


def snapshot(obj, related=()):
    """What a revision of `obj` keeps: its fields and, for each name in `related`, its children in order."""
    children = {}
    for name in related:
        parent_field = obj._meta.get_field(name).field
        children[name] = [
            snapshot_fields(child, exclude={parent_field.name}) for child in getattr(obj, name).all()
        ]
    return {"fields": snapshot_fields(obj), "related": children}


def revision_create(*, obj, user, related=(), comment=""):
    """Record the current state of `obj` (and its `related` children) as a new revision."""
    return Revision.objects.create(
        content_type=Revision.content_type_of(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        user=user if user and user.is_authenticated else None,
        data=snapshot(obj, related),
        comment=comment,
    )


def decoded(model, fields):
    """The saved `fields` as attribute values by attname, and the many-to-many querysets apart.

    Fields removed from the model since and related rows deleted since are left out.
    """
    values, m2m = {}, {}
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, TaggableManager):
            m2m[name] = value  # names: the manager finds or makes the tags
        elif field.many_to_many:
            m2m[name] = field.related_model._default_manager.filter(pk__in=value)
        elif field.is_relation:
            if value is None or field.related_model._default_manager.filter(pk=value).exists():
                values[field.attname] = value
        else:
            values[field.attname] = field.to_python(value)
    return values, m2m


def restore_fields(obj, fields):
    """Set the saved `fields` on `obj`; return its many-to-many values, to set once it is saved."""
    values, m2m = decoded(type(obj), fields)
    skipped = dimension_fields(type(obj))  # an image sets its own sizes when assigned
    for attname, value in values.items():
        field = obj._meta.get_field(attname)
        if attname in skipped:
            continue
        if isinstance(field, models.FileField):
            # A file removed from storage since cannot come back; the current one stays.
            if value == getattr(obj, attname).name or (value and not field.storage.exists(value)):
                continue
        setattr(obj, attname, value)
    return m2m


@transaction.atomic
def revision_restore(*, revision, user):
    """Write the revision back (fields, then children replaced) and record the result as a new revision.

    Goes through save(), so sanitizing, search indexing and cache invalidation happen as for any edit;
    the audit log keeps who restored what, whoever calls it (the admin's restore page, a command, the shell).
    Raises ValidationError if the old state now clashes with other rows (a slug taken since).
    The state it replaces is not lost: every save already left a revision of it.
    """
    model = revision.content_type.model_class()
    obj = model._default_manager.select_for_update().get(pk=revision.object_id)
    m2m = restore_fields(obj, revision.data["fields"])
    obj.validate_unique()
    obj.validate_constraints()
    obj.save()
    for name, manager_values in m2m.items():
        getattr(obj, name).set(manager_values)
    related = revision.data.get("related", {})
    for name, children in related.items():
        parent_field = obj._meta.get_field(name).field
        getattr(obj, name).all().delete()
        for fields in children:
            values, child_m2m = decoded(parent_field.model, fields)
            child = parent_field.model(**values, **{parent_field.attname: obj.pk})
            child.save()
            for child_name, child_values in child_m2m.items():
                getattr(child, child_name).set(child_values)
    when = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
    revision_create(obj=obj, user=user, related=tuple(related), comment=_("Restored from %s.") % when)
    label = revision.content_type.model
    audit("revision_restored", by=user, detail=f"{label} #{obj.pk} {obj}: revision #{revision.pk}")
    return obj
