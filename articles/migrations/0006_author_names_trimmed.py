"""Author names stored with spaces around them (pasted, imported) printed as "Karimov , Chegara" (issue 13);
Author.save() trims them from now on, this trims the stored ones."""

from django.db import migrations


def trim_author_names(apps, schema_editor):
    Author = apps.get_model("articles", "Author")
    for author in Author.objects.all():
        if author.name != author.name.strip():
            author.name = author.name.strip()
            author.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_repair_broken_tags")]

    operations = [migrations.RunPython(trim_author_names, migrations.RunPython.noop)]
