from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from backups.archive import backup_restore, database_is_empty


class Command(BaseCommand):
    help = "Rebuild a site from a backup archive into an empty database (it is migrated first)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Archive written by `manage.py backup`")

    def handle(self, *args, path, **options):
        if not Path(path).is_file():
            raise CommandError(f"No backup archive at {path}.")
        call_command("migrate", verbosity=0, interactive=False)
        if not database_is_empty():
            raise CommandError("The database already holds content; restore only into an empty database.")
        manifest = backup_restore(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {manifest['objects']} rows and {manifest['media_files']} media files."
            )
        )
