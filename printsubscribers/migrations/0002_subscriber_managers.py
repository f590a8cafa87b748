from django.db import migrations

from desk.groups import group_grant, group_revoke

# Subscriber managers import the list, correct it and unlink a subscription to move it to another
# account; a subscription is never deleted (its grant's record names it).
MANAGERS = [f"printsubscribers.{action}_printsubscription" for action in ("add", "change", "view")]


def grant(apps, schema_editor):
    group_grant(apps, "Subscriber managers", MANAGERS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Subscriber managers", perms=MANAGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("printsubscribers", "0001_print_subscriptions"),
        ("readers", "0002_subscriber_managers"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
