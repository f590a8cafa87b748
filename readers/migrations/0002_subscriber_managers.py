from django.db import migrations

from desk.groups import group_grant, group_revoke

# Subscriber managers look after readers and give or revoke access; grants are never deleted (revoked).
MANAGERS = [
    *(f"readers.{action}_reader" for action in ("add", "change", "delete", "view")),
    *(f"readers.{action}_accessgrant" for action in ("add", "change", "view")),
]


def grant(apps, schema_editor):
    group_grant(apps, "Subscriber managers", MANAGERS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Subscriber managers", perms=MANAGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("readers", "0001_readers_and_access_grants"),
        ("subscriptions", "0002_groups"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
