from django.db import migrations

from desk.groups import group_grant, group_revoke

# Subscriber managers make and revoke batches of codes; batches are revoked, never deleted.
MANAGERS = [
    *(f"issuecodes.{action}_codebatch" for action in ("add", "change", "view")),
    "issuecodes.view_code",
    "issuecodes.view_redemption",
]


def grant(apps, schema_editor):
    group_grant(apps, "Subscriber managers", MANAGERS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Subscriber managers", perms=MANAGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("issuecodes", "0001_codes"),
        ("readers", "0002_subscriber_managers"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
