from django.db import migrations

from desk.groups import group_grant, group_revoke

# Editors see what went to the Telegram channel and send a failed post again.
EDITORS = ["reach.view_telegrampost", "reach.retry_telegrampost"]


def grant(apps, schema_editor):
    group_grant(apps, "Editors", EDITORS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Editors", perms=EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("reach", "0001_reach"),
        ("articles", "0002_editors_group"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
