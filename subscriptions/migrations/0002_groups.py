from django.db import migrations

from desk.groups import group_grant, group_revoke

MANAGERS = [
    f"subscriptions.{action}_{model}"
    for model in ("subscriber", "announcement", "delivery")
    for action in ("add", "change", "delete", "view")
] + ["subscriptions.send_announcement"]
# Editors announce the issues they publish, but see no subscriber's address.
EDITORS = ["subscriptions.view_announcement", "subscriptions.add_announcement", "subscriptions.send_announcement"]


def grant(apps, schema_editor):
    group_grant(apps, "Subscriber managers", MANAGERS)
    group_grant(apps, "Editors", EDITORS)


def revoke(apps, schema_editor):
    group_revoke(apps, "Subscriber managers")
    group_revoke(apps, "Editors", app_label="subscriptions")


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0001_initial"),
        ("articles", "0002_editors_group"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
