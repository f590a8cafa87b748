"""What differs between a revision and the current version, as an editor reads it.

Rich text is compared as rendered text (richtext.htmltext.html_diff): the reader's formatting, with
inserted words in <ins> and lost ones in <del>, never the HTML tags as text. Children (an article's
blocks) are compared one by one in their order: unchanged ones are listed by name, moved, added,
removed and changed ones are marked. Every value shown is escaped or sanitized here. The rows that
foreign keys and many-to-many fields name are read once per related model (`related_labels`), not once
per value.
"""

import difflib
import json
import re
from collections import defaultdict

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _, ngettext
from taggit.managers import TaggableManager

from revisions.snapshots import decoded, dimension_fields, snapshot
from richtext.htmltext import html_diff
from richtext.sanitize import RichTextField, sanitize_html

TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
CONTEXT = 120  # characters of unchanged text kept on each side of a change in a plain-text diff


def text_diff(old, new):
    """Plain text `old` → `new` as escaped HTML: lost words in <del>, new ones in <ins>."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(shortened("".join(a[i1:i2]))))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))


def shortened(text):
    if len(text) <= 3 * CONTEXT:
        return text
    return f"{text[:CONTEXT]} … {text[-CONTEXT:]}"


def related_fields(model):
    """The shown foreign keys and many-to-many fields of `model` whose values are primary keys."""
    return [f for f in shown_fields(model) if f.is_relation and not isinstance(f, TaggableManager)]


def related_labels(wanted):
    """{related model: {pk: label}}, in the model's order, for `wanted` ({field: [saved values]}): one
    query per related model."""
    pks = defaultdict(set)
    for field, values in wanted.items():
        for value in values:
            if not is_empty(value):
                pks[field.related_model].update(value if field.many_to_many else [value])
    return {
        related: {row.pk: str(row) for row in related._default_manager.filter(pk__in=keys)}
        for related, keys in pks.items()
    }


def display_value(field, value, labels=None):
    """A saved value as an editor reads it: labels for choices and related rows, local times.

    `labels` ({related model: {pk: label}}, from related_labels) names the related rows; a row it
    does not hold was deleted since and is shown by its number.
    """
    if value in (None, "", []):
        return ""
    if isinstance(field, TaggableManager):
        return ", ".join(value)
    if field.is_relation:
        if labels is None:
            labels = related_labels({field: [value]})
        names = labels.get(field.related_model, {})
        if field.many_to_many:
            chosen = set(value)
            return ", ".join(label for pk, label in names.items() if pk in chosen)
        return names.get(value, f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(field.to_python(value)), "DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return date_format(field.to_python(value), "DATE_FORMAT")
    return str(value)


def value_diff(field, old, new, labels=None):
    """The change of one field's value, as safe HTML."""
    if isinstance(field, RichTextField):
        return mark_safe(html_diff(old or "", new or ""))
    return text_diff(display_value(field, old, labels), display_value(field, new, labels))


def shown_fields(model, *, exclude=()):
    """The fields of `model` a comparison shows, in the model's order."""
    skipped = dimension_fields(model) | set(exclude)
    return [
        field
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if field.editable and not field.primary_key and field.name not in skipped
    ]


def field_changes(model, old, new, *, names=None, exclude=(), labels=None):
    """[{"label", "html"}] for each field whose value differs between the dicts `old` and `new`
    (only the fields in `names`, when given: those a revision holds)."""
    changes = []
    for field in shown_fields(model, exclude=exclude):
        if field.name not in (old.keys() | new.keys() if names is None else names):
            continue
        before, after = old.get(field.name), new.get(field.name)
        if before != after:
            changes.append(shown(field, value_diff(field, before, after, labels)))
    return changes


def shown(field, html):
    """A field's part of a comparison: its label, its content (safe HTML), whether that is rich text."""
    return {"label": capfirst(field.verbose_name), "html": html, "rich": isinstance(field, RichTextField)}


def is_empty(value):
    return value in (None, "", [])


def signature(fields):
    """What makes two children alike: every value but their position (which only says the order)."""
    return json.dumps({name: value for name, value in fields.items() if name != "position"}, sort_keys=True)


def child_name(model, fields):
    """A child as its model names it (an article's block: "Answer #3")."""
    values, _m2m = decoded(model, fields)
    try:
        return str(model(**values))
    except Exception:  # a child whose saved values no longer fit its model: still worth listing
        return capfirst(model._meta.verbose_name)


def child_excerpt(model, fields):
    text = " ".join(
        strip_tags(str(fields.get(field.name) or ""))
        for field in shown_fields(model)
        if isinstance(field, models.TextField)
    )
    return Truncator(" ".join(text.split())).words(12)


def child_entry(model, fields, status, *, old=None, parent_field="", labels=None):
    """One child in a comparison: its name, status, excerpt and content (with its changes, if any)."""
    fields_shown = shown_fields(model, exclude=[parent_field, "position"])
    if status == "changed":
        changes = field_changes(model, old, fields, exclude=[parent_field, "position"], labels=labels)
        changes.sort(key=lambda change: change["rich"])  # the text after the small fields
    elif status in ("added", "removed"):
        before, after = ({}, fields) if status == "added" else (fields, {})
        changes = [
            shown(f, value_diff(f, before.get(f.name), after.get(f.name), labels))
            for f in fields_shown
            if not is_empty(fields.get(f.name))
        ]
    else:  # unchanged or moved: the content as it reads
        changes = [
            shown(f, rendered(f, fields.get(f.name), labels))
            for f in fields_shown
            if not is_empty(fields.get(f.name))
        ]
    return {
        "name": child_name(model, fields),
        "status": status,
        "status_label": CHILD_STATUS[status](),
        "excerpt": child_excerpt(model, fields),
        "changes": changes,
    }


def rendered(field, value, labels=None):
    if isinstance(field, RichTextField):
        return mark_safe(sanitize_html(value))
    return escape(display_value(field, value, labels))


CHILD_STATUS = {
    "unchanged": lambda: _("unchanged"),
    "changed": lambda: _("changed"),
    "added": lambda: _("added"),
    "removed": lambda: _("removed"),
    "moved": lambda: _("moved"),
}


def children_changes(model, old, new, *, parent_field, labels=None):
    """The children of `new` in order (and the removed ones where they were), each with its status.

    Returns (entries, summary): summary counts the changed, added, removed and moved children.
    """
    old_keys, new_keys = [signature(f) for f in old], [signature(f) for f in new]
    entries = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        if op == "equal":
            entries += [(new_keys[j], "unchanged", new[j], None) for j in range(j1, j2)]
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        entries += [(new_keys[j1 + k], "changed", new[j1 + k], old[i1 + k]) for k in range(paired)]
        entries += [(old_keys[i], "removed", old[i], None) for i in range(i1 + paired, i2)]
        entries += [(new_keys[j], "added", new[j], None) for j in range(j1 + paired, j2)]
    # A child removed in one place and added, the same, in another has moved.
    removed = {key for key, status, _f, _o in entries if status == "removed"}
    added = {key for key, status, _f, _o in entries if status == "added"}
    moved = removed & added
    result = [
        child_entry(
            model,
            fields,
            "moved" if key in moved else status,
            old=before,
            parent_field=parent_field,
            labels=labels,
        )
        for key, status, fields, before in entries
        if not (status == "removed" and key in moved)
    ]
    counts = {status: sum(1 for e in result if e["status"] == status) for status in CHILD_STATUS}
    return result, children_summary(counts)


def children_summary(counts):
    parts = []
    for status, message in (
        ("changed", lambda n: ngettext("%d changed", "%d changed", n)),
        ("added", lambda n: ngettext("%d added", "%d added", n)),
        ("removed", lambda n: ngettext("%d removed", "%d removed", n)),
        ("moved", lambda n: ngettext("%d moved", "%d moved", n)),
    ):
        if counts[status]:
            parts.append(message(counts[status]) % counts[status])
    return ", ".join(parts)


def revision_changes(revision, obj, *, restoring=False):
    """What differs between `revision` and the current `obj`, revision → now (now → revision when
    `restoring`: what a restore would change).

    [{"label", "html"}] for fields, and {"label", "children", "summary"} for each kind of children.
    """
    current = snapshot(obj, tuple(revision.data.get("related", {})))
    old, new = revision.data, current
    if restoring:
        old, new = new, old
    model = type(obj)
    labels = related_labels(saved_relations(model, old, new))
    changes = field_changes(
        model, old["fields"], new["fields"], names=set(revision.data["fields"]), labels=labels
    )
    for name in revision.data.get("related", {}):
        before, after = old["related"].get(name, []), new["related"].get(name, [])
        if before == after:
            continue
        rel = model._meta.get_field(name)
        children, summary = children_changes(
            rel.related_model, before, after, parent_field=rel.field.name, labels=labels
        )
        label = capfirst(rel.related_model._meta.verbose_name_plural)
        changes.append({"label": label, "children": children, "summary": summary})
    return changes


def saved_relations(model, old, new):
    """{field: values} of every foreign key and many-to-many value the comparison may show:
    the object's, where old and new differ, and its children's (shown whole when listed)."""
    wanted = defaultdict(list)
    for field in related_fields(model):
        before, after = old["fields"].get(field.name), new["fields"].get(field.name)
        if before != after:
            wanted[field] += [before, after]
    for name in old["related"].keys() | new["related"].keys():
        child_model = model._meta.get_field(name).related_model
        for field in related_fields(child_model):
            for child in [*old["related"].get(name, []), *new["related"].get(name, [])]:
                wanted[field].append(child.get(field.name))
    return wanted


def is_current(revision, obj):
    """True if `revision` holds exactly what `obj` (and its children) are now."""
    return snapshot(obj, tuple(revision.data.get("related", {}))) == revision.data
