from django.db import migrations

from desk.groups import group_grant, group_revoke

MODERATORS = ["comments.view_comment", "comments.change_comment", "comments.moderate_comment"]
EDITORS = [
    *MODERATORS,
    "comments.delete_comment",
    "comments.view_discussionsettings",
    "comments.change_discussionsettings",
]


def grant(apps, schema_editor):
    group_grant(apps, "Moderators", MODERATORS)
    group_grant(apps, "Editors", EDITORS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Moderators")
    group_revoke(apps, "Editors", app_label="comments")


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_editors_group"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
