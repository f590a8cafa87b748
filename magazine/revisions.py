"""Revisions: every saved state of an issue, event or article (with its blocks), and restoring one.

Generic on purpose: `magazine` must not import `articles`, so the children to keep with an object
(an article's blocks) are named by their reverse accessor in `related`. A revision's `data` is
{"fields": {...}, "related": {"blocks": [{...}, ...]}}, values as the "python" serializer gives them,
files as their stored names, many-to-many as primary keys, and django-taggit's tags as their names (a
tag is what its name says; restoring one that was deleted since makes it again).
"""

import datetime
import difflib
import json
import re

from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from taggit.managers import TaggableManager

from .exact_json import ExactEncoder
from .models import Revision

TOKENS = re.compile(r"<[^>]*>|\w+|\s+|[^\w\s]")
CONTEXT = 120  # characters of unchanged text kept on each side of a change in a diff


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

    Goes through save(), so sanitizing, search indexing and cache invalidation happen as for any edit.
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
    return obj


def word_diff(old, new):
    """[(kind, text)] turning `old` into `new`, kind being "equal", "delete" or "insert".

    Words, spaces, punctuation and HTML tags are the units; long unchanged runs are shortened.
    """
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            segments.append(("equal", shortened("".join(a[i1:i2]))))
        if op in ("delete", "replace"):
            segments.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def shortened(text):
    if len(text) <= 3 * CONTEXT:
        return text
    return f"{text[:CONTEXT]} … {text[-CONTEXT:]}"


def display_value(field, value):
    """A saved value as an editor reads it: labels for choices and related rows, local times."""
    if value in (None, "", []):
        return ""
    if isinstance(field, TaggableManager):
        return ", ".join(value)
    if field.many_to_many:
        return ", ".join(str(row) for row in field.related_model._default_manager.filter(pk__in=value))
    if field.is_relation:
        row = field.related_model._default_manager.filter(pk=value).first()
        return str(row) if row else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(field.to_python(value)), "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return date_format(field.to_python(value), "DATE_FORMAT")
    return str(value)


def children_text(model, children):
    """Children as text, one line each: the non-empty values of their fields, in the model's field order.

    (PostgreSQL's jsonb does not keep the order in which a revision's keys were written.)
    """
    lines = []
    for fields in children:
        values = []
        for field in model._meta.concrete_fields:
            if field.attname not in fields and field.name not in fields:
                continue
            value = fields.get(field.name, fields.get(field.attname))
            if field.name not in dimension_fields(model) and (shown := display_value(field, value)):
                values.append(shown)
        lines.append(" · ".join(values))
    return "\n".join(lines)


def revision_changes(revision, obj):
    """What differs between `revision` and the current `obj`: [{"label", "segments"}], revision → now."""
    current = snapshot(obj, tuple(revision.data.get("related", {})))
    changes = []
    for name, old in revision.data["fields"].items():
        new = current["fields"].get(name)
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if old != new and name not in dimension_fields(type(obj)):
            segments = word_diff(display_value(field, old), display_value(field, new))
            changes.append({"label": capfirst(field.verbose_name), "segments": segments})
    for name, old in revision.data.get("related", {}).items():
        new = current["related"][name]
        if old != new:
            rel = obj._meta.get_field(name)
            segments = word_diff(children_text(rel.related_model, old), children_text(rel.related_model, new))
            changes.append(
                {"label": capfirst(rel.related_model._meta.verbose_name_plural), "segments": segments}
            )
    return changes
