from django.db import migrations

from desk.groups import group_grant


def grant(apps, schema_editor):
    group_grant(apps, "Editors", [f"magazine.{action}_event" for action in ("add", "change", "delete", "view")])


class Migration(migrations.Migration):
    dependencies = [
        ("magazine", "0002_events"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
