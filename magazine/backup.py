"""One-archive backups: the database as a natural-key JSON dump plus every media file."""

import io
import json
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from .exact_json import ExactEncoder

# Sessions (and the staff app's index of them) and sign-in letters belong to the running site, not
# to its content: a restored site starts without them.
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "staff.staffsession", "readers.signintoken"}
KEEP_PRIMARY_KEYS = {"taggit.taggeditem"}
CONTENT_APPS = {"magazine", "articles", "comments", "subscriptions", "taggit"}
DUMP_NAME = "database.json"
MEDIA_PREFIX = "media/"
MANIFEST_NAME = "manifest.json"


def backup_write(path, *, stdout=None):
    """Write `path` (a .tar.gz) holding the database content and the media files; return the counts."""
    rows = _dump()
    data = json.dumps(rows, cls=ExactEncoder, ensure_ascii=False).encode()
    media_root = Path(settings.MEDIA_ROOT)
    media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
    manifest = {"objects": len(rows), "media_files": len(media_files)}
    with tarfile.open(path, "w:gz") as archive:
        _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest).encode())
        _add_bytes(archive, DUMP_NAME, data)
        for file in media_files:
            archive.add(file, arcname=MEDIA_PREFIX + file.relative_to(media_root).as_posix())
    return manifest


def _dump():
    """Every row but the excluded ones, in dependency order, with natural keys where models have them.

    The serializer is called directly (as dumpdata does) so the dump reads this very connection.
    """
    by_app = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        if model._meta.app_label in EXCLUDED or model._meta.label_lower in EXCLUDED:
            continue
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    rows = []
    for model in serializers.sort_dependencies(by_app.items(), allow_cycles=True):
        rows += json.loads(
            serializers.serialize(
                "exactjson",
                model._base_manager.order_by(model._meta.pk.name),
                use_natural_foreign_keys=True,
                # django-taggit's TaggedItem natural key is its object id alone, so two tags of one
                # article would collapse into one on load: tagged items keep their primary keys.
                use_natural_primary_keys=model._meta.label_lower not in KEEP_PRIMARY_KEYS,
            )
        )
    return rows


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def database_is_empty():
    """True when no content a backup carries exists yet (a freshly migrated database)."""
    content_models = [
        m
        for app in ("magazine", "articles", "comments", "subscriptions")
        for m in apps.get_app_config(app).get_models()
    ]
    return not any(model.objects.exists() for model in content_models)


def backup_restore(path):
    """Load the archive at `path` into this (empty, migrated) database and media folder."""
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile(MANIFEST_NAME))
        dump = archive.extractfile(DUMP_NAME).read()
        members = [m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
        fixture = Path(settings.BASE_DIR) / "var" / "restore-database.exactjson"
        fixture.parent.mkdir(parents=True, exist_ok=True)
        fixture.write_bytes(dump)
        ContentType.objects.clear_cache()  # the database was just (re)built: cached ids may be stale
        try:
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        finally:
            fixture.unlink(missing_ok=True)
        for member in members:
            relative = member.name[len(MEDIA_PREFIX) :]
            target = (media_root / relative).resolve()
            if not target.is_relative_to(media_root.resolve()):  # a crafted archive cannot write elsewhere
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
    return manifest
