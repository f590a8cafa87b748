# The Revision model leaves this app for the app `revisions` (issue 20). State only: the table
# magazine_revision, its rows and its index stay where they are; revisions/0001 takes the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('magazine', '0006_issue_embargo'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name='revision', name='revision_object_created'),
                migrations.DeleteModel(name='Revision'),
            ],
            database_operations=[],
        ),
    ]
