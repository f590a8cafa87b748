"""Repair the tags an admin save used to break (issue 13).

The article form showed the Python list of an article's tags, so saving it unchanged replaced "climate"
and "trade" with tags named "[<Tag: climate>" and "<Tag: trade>]" (or "[<Tag:" and "climate>]" for a
single tag, "[]" for none, nested deeper on every further save). Each such tag is merged into the real
tag it names (made if it no longer exists), or removed when it names none. Any other tag whose slug no
URL accepts gets one made from its name, or is removed when none can be made.
"""

import re

from django.db import migrations
from django.utils.text import slugify

URL_SLUG = re.compile(r"[-\w]+")  # issues.converters.UnicodeSlugConverter
LIST_MARKS = re.compile(r"<Tag:")


def is_junk(name):
    """True for a name the old form made out of a list of tags."""
    return name == "[]" or "<Tag:" in name or name.endswith(">]")


def real_name(junk):
    """The tag name inside a junk name: "[<Tag: [<Tag: climate>>" → "climate"; "" if there is none."""
    return LIST_MARKS.sub("", junk).strip("[]<> \t\n")


def free_slug(Tag, name, tag_pk):
    """taggit's slug for `name` ("_1", "_2"… added while taken), or "" if `name` gives none."""
    base = slugify(name, allow_unicode=True)
    if not URL_SLUG.fullmatch(base):
        return ""
    slug, n = base, 1
    while Tag.objects.filter(slug=slug).exclude(pk=tag_pk).exists():
        slug, n = f"{base}_{n}", n + 1
    return slug


def merge(TaggedItem, junk, real):
    """Move the items tagged `junk` to `real` (dropping those already tagged `real`), then delete `junk`."""
    for item in TaggedItem.objects.filter(tag=junk):
        duplicate = TaggedItem.objects.filter(
            tag=real, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if duplicate:
            item.delete()
        else:
            item.tag = real
            item.save(update_fields=["tag"])
    junk.delete()


def repair_tags(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    for tag in Tag.objects.order_by("pk"):
        if is_junk(tag.name):
            name = real_name(tag.name)
            real = Tag.objects.filter(name=name).exclude(pk=tag.pk).first() if name else None
            if real is None and name and not is_junk(name) and (slug := free_slug(Tag, name, tag.pk)):
                tag.name, tag.slug = name, slug  # the real tag is gone: this one becomes it
                tag.save(update_fields=["name", "slug"])
            elif real is not None:
                merge(TaggedItem, tag, real)
            else:
                tag.delete()
        elif not URL_SLUG.fullmatch(tag.slug or ""):
            if slug := free_slug(Tag, tag.name, tag.pk):
                tag.slug = slug
                tag.save(update_fields=["slug"])
            else:
                tag.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_sponsored_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(repair_tags, migrations.RunPython.noop)]
