"""One-archive backups: the database as a natural-key JSON dump plus every media file.

Media are read and written through the media storage (the local disk or the S3 bucket,
images/storage.py), so a backup of one can be restored into the other.
"""

import io
import json
import posixpath
import tarfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction

from backups.exact_json import ExactEncoder

# Sessions (and the staff app's index of them) and sign-in letters belong to the running site, not
# to its content: a restored site starts without them.
EXCLUDED = {"contenttypes", "auth.permission", "sessions", "staff.staffsession", "readers.signintoken"}
KEEP_PRIMARY_KEYS = {"taggit.taggeditem"}
CONTENT_APPS = {"magazine", "articles", "comments", "subscriptions", "taggit"}
DUMP_NAME = "database.json"
# Models that changed app since an archive may have been written: old label -> new label. Revision
# left the app labelled "magazine" for `revisions` (issue 20); its table and rows did not change.
RENAMED_MODELS = {"magazine.revision": "revisions.revision"}
MEDIA_PREFIX = "media/"
MANIFEST_NAME = "manifest.json"


def backup_write(path, *, stdout=None):
    """Write `path` (a .tar.gz) holding the database content and the media files; return the counts."""
    rows = _dump()
    data = json.dumps(rows, cls=ExactEncoder, ensure_ascii=False).encode()
    storage = storages["default"]
    media_names = sorted(media_files(storage))
    manifest = {"objects": len(rows), "media_files": len(media_names)}
    with tarfile.open(path, "w:gz") as archive:
        _add_bytes(archive, MANIFEST_NAME, json.dumps(manifest).encode())
        _add_bytes(archive, DUMP_NAME, data)
        for name in media_names:
            with storage.open(name, "rb") as file:
                _add_bytes(archive, MEDIA_PREFIX + name, file.read())
    return manifest


def media_files(storage, folder=""):
    """Every file name in the media storage under `folder`, walking down its folders."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local media folder not created yet: no upload so far
        return
    for name in files:
        yield posixpath.join(folder, name)
    for name in folders:
        yield from media_files(storage, posixpath.join(folder, name))


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


def _renamed_models(dump):
    """The dump with the labels of RENAMED_MODELS brought up to date: the rows' model, and the natural
    keys that name a content type ([app_label, model]) or a permission ([codename, app_label, model])."""
    renamed = {tuple(old.split(".")): new.split(".") for old, new in RENAMED_MODELS.items()}
    if not any(f'"{old}"'.encode() in dump for old in RENAMED_MODELS):
        return dump

    def renew(value):
        if isinstance(value, list):
            if (
                len(value) in (2, 3)
                and all(isinstance(v, str) for v in value)
                and tuple(value[-2:]) in renamed
            ):
                return value[:-2] + renamed[tuple(value[-2:])]
            return [renew(v) for v in value]
        if isinstance(value, dict):
            return {key: renew(v) for key, v in value.items()}
        return value

    rows = json.loads(dump)
    for row in rows:
        row["model"] = RENAMED_MODELS.get(row["model"], row["model"])
        row["fields"] = renew(row["fields"])
    return json.dumps(rows, ensure_ascii=False).encode()


def backup_restore(path):
    """Load the archive at `path` into this (empty, migrated) database and the media storage."""
    storage = storages["default"]
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile(MANIFEST_NAME))
        dump = archive.extractfile(DUMP_NAME).read()
        members = [m for m in archive.getmembers() if m.name.startswith(MEDIA_PREFIX) and m.isfile()]
        fixture = Path(settings.BASE_DIR) / "var" / "restore-database.exactjson"
        fixture.parent.mkdir(parents=True, exist_ok=True)
        fixture.write_bytes(_renamed_models(dump))
        ContentType.objects.clear_cache()  # the database was just (re)built: cached ids may be stale
        try:
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        finally:
            fixture.unlink(missing_ok=True)
        for member in members:
            name = member.name[len(MEDIA_PREFIX) :]
            if ".." in PurePosixPath(name).parts or name.startswith("/"):
                continue  # a crafted archive cannot write outside the media storage
            if storage.exists(name):
                storage.delete(name)
            stored = storage.save(name, ContentFile(archive.extractfile(member).read()))
            if stored != name:
                raise ImproperlyConfigured(
                    f"The media storage stored {name} as {stored}; pages would not find it."
                )
    return manifest
