import hashlib
import secrets

import django.utils.timezone
from django.db import migrations, models

import readers.feed_keys


def give_keys(apps, schema_editor):
    """Every existing reader gets a key of their own (a field default would give them all one)."""
    Reader = apps.get_model("readers", "Reader")
    now = django.utils.timezone.now()
    for reader in Reader.objects.filter(feed_key="").only("pk").iterator():
        key = secrets.token_urlsafe(32)
        Reader.objects.filter(pk=reader.pk).update(
            feed_key=key, feed_key_digest=hashlib.sha256(key.encode()).hexdigest(), feed_key_created_at=now
        )


class Migration(migrations.Migration):
    dependencies = [("readers", "0002_subscriber_managers")]

    operations = [
        migrations.AddField(
            model_name="reader",
            name="feed_key",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="feed key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reader",
            name="feed_key_digest",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="feed key digest"),
        ),
        migrations.AddField(
            model_name="reader",
            name="feed_key_created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="feed address made at"
            ),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reader",
            name="feed_key",
            field=models.CharField(
                default=readers.feed_keys.feed_key_make,
                editable=False,
                max_length=64,
                verbose_name="feed key",
            ),
        ),
        migrations.AlterField(
            model_name="reader",
            name="feed_key_digest",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="feed key digest"
            ),
        ),
    ]
