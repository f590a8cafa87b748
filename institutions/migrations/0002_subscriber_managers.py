from django.db import migrations

from desk.groups import group_grant, group_revoke

# Subscriber managers add institutions, change their period and networks, and see their readings; an
# institution is made inactive rather than deleted (its readers' grants name it).
MANAGERS = [
    *(f"institutions.{action}_institution" for action in ("add", "change", "view")),
    *(f"institutions.{action}_institutionrange" for action in ("add", "change", "delete", "view")),
    "institutions.view_institutionreading",
]


def grant(apps, schema_editor):
    group_grant(apps, "Subscriber managers", MANAGERS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Subscriber managers", perms=MANAGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0001_institutions"),
        ("readers", "0002_subscriber_managers"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
