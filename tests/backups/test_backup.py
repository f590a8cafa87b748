import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ArticleBlock
from backups.archive import backup_restore, backup_write
from issues.models import Issue
from readers.models import AccessGrant
from tests.factories import (
    image_file,
    make_article,
    make_author,
    make_grant,
    make_issue,
    make_print_first,
    make_reader,
)

# serialized_rollback: start from the migrated state (content types, permissions, groups) like a real site.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COMPARED = ["articles.Article", "articles.ArticleBlock", "magazine.Issue", "magazine.Section", "auth.User"]


def snapshot():
    """Every row of the compared models (plus comments and subscribers where those apps have rows)."""
    labels = COMPARED + [
        f"{m._meta.app_label}.{m.__name__}"
        for m in apps.get_models()
        if m._meta.app_label in {"comments", "subscriptions"}
    ]
    rows = {}
    for label in labels:
        model = apps.get_model(label)
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in {"id", "password", "last_login"}
        ]
        rows[label] = sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*fields))
    rows["tags"] = sorted((a.slug, tuple(sorted(a.tags.names()))) for a in Article.objects.all())
    return rows


def test_backup_and_restore_round_trip_every_article_and_its_media(tmp_path, settings):
    issue = make_issue(year=2025, number_first=1, number_last=2)
    issue.cover.save("c.jpg", image_file(), save=True)
    make_print_first(issue=issue, tags=["water", "borders"], authors=[make_author(name="Malika T.")])
    make_article(title="Кириллица и «кавычки»", blocks=[("text", "<p>Body</p>")])
    call_command("createsuperuser", username="boss", email="boss@example.org", interactive=False)
    make_grant(reader=make_reader(email="subscriber@example.org"), issues=[issue])
    before = snapshot()
    cover_name = issue.cover.name
    archive = tmp_path / "site.tar.gz"
    manifest = backup_write(archive)
    assert manifest["media_files"] >= 3

    ContentType.objects.clear_cache()
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    assert not Article.objects.exists()
    backup_restore(archive)

    assert snapshot() == before
    assert Issue.objects.get().cover.name == cover_name
    assert (tmp_path / "restored-media" / cover_name).exists()
    assert ArticleBlock.objects.filter(body__contains="HIDDENMARKER").exists()
    assert list(AccessGrant.objects.values_list("reader__email", "issues__year")) == [
        ("subscriber@example.org", 2025)
    ]


def test_restore_refuses_a_database_with_content(tmp_path):
    make_article()
    archive = tmp_path / "site.tar.gz"
    backup_write(archive)
    with pytest.raises(CommandError, match="already holds content"):
        call_command("restore", str(archive))


def test_restore_explains_a_missing_archive(tmp_path):
    with pytest.raises(CommandError, match="No backup archive"):
        call_command("restore", str(tmp_path / "nope.tar.gz"))


def test_restore_reads_an_archive_written_before_revisions_left_the_magazine_app(tmp_path):
    """Archives written before issue 20 name Revision "magazine.revision" (rows and natural keys)."""
    import io
    import json
    import tarfile

    from django.contrib.auth.models import Group, Permission

    from backups.archive import DUMP_NAME
    from revisions.models import Revision
    from revisions.snapshots import revision_create

    article = make_article(title="Revised")
    revision_create(obj=article, user=None, comment="first")
    group = Group.objects.create(name="Revision readers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="revisions", codename="view_revision")
    )
    written = tmp_path / "new.tar.gz"
    backup_write(written)

    old = tmp_path / "old.tar.gz"  # the same archive as the code before the move wrote it
    with tarfile.open(written, "r:gz") as source, tarfile.open(old, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == DUMP_NAME:
                rows = json.loads(data)
                for row in rows:
                    if row["model"] == "revisions.revision":
                        row["model"] = "magazine.revision"
                    if row["model"] == "auth.group":
                        row["fields"]["permissions"] = [
                            [key[0], "magazine", "revision"] if key[1:] == ["revisions", "revision"] else key
                            for key in row["fields"]["permissions"]
                        ]
                data = json.dumps(rows).encode()
                assert b'"magazine.revision"' in data and b'"revisions"' not in data
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    ContentType.objects.clear_cache()
    call_command("flush", interactive=False, verbosity=0)
    backup_restore(old)

    assert [r.comment for r in Revision.objects.for_object(Article.objects.get())] == ["first"]
    assert list(
        Group.objects.get(name="Revision readers").permissions.values_list(
            "content_type__app_label", "codename"
        )
    ) == [("revisions", "view_revision")]
