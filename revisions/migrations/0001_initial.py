# The Revision model, taken over from the app labelled "magazine" (its migration 0007 let it go).
# State only: the table is still magazine_revision, with its rows and its index. The model's content
# type is renamed (magazine.revision -> revisions.revision), so its id, and with it the permissions
# given to groups and users, stay as they were.

import backups.exact_json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old, new):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    moved = ContentType.objects.using(db).filter(app_label=old, model='revision')
    if not ContentType.objects.using(db).filter(app_label=new, model='revision').exists():
        moved.update(app_label=new)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, 'magazine', 'revisions')


def backwards(apps, schema_editor):
    rename_content_type(apps, schema_editor, 'revisions', 'magazine')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        # After the model left the app labelled "magazine": never two Revision models in the state.
        ('magazine', '0007_revision_moves_to_revisions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Revision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='object id')),
                        ('object_repr', models.CharField(max_length=300, verbose_name='object')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('data', models.JSONField(encoder=backups.exact_json.ExactEncoder, verbose_name='data')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('is_autosave', models.BooleanField(default=False, verbose_name='autosave')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='content type')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revisions', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'revision',
                        'verbose_name_plural': 'revisions',
                        'db_table': 'magazine_revision',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', '-created_at'], name='revision_object_created')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
