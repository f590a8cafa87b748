from django.db import migrations

from desk.groups import group_grant, group_revoke

MODELS = {
    "magazine": ["issue", "section", "contacts"],
    "articles": ["article", "articleblock", "author"],
    "taggit": ["tag", "taggeditem"],
}


def create_editors(apps, schema_editor):
    perms = [
        f"{app}.{action}_{model}"
        for app, models in MODELS.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    ]
    group_grant(apps, "Editors", perms)


def remove_editors(apps, schema_editor):
    group_revoke(apps, "Editors")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("magazine", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_editors, remove_editors)]
