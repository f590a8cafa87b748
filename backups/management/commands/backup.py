from django.core.management.base import BaseCommand
from django.utils import timezone

from backups.archive import backup_write


class Command(BaseCommand):
    help = "Write one archive with the database content and the media files."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Archive to write (default: var/backups/<timestamp>.tar.gz)"
        )

    def handle(self, *args, path=None, **options):
        from pathlib import Path

        from django.conf import settings

        if path is None:
            folder = Path(settings.BASE_DIR) / "var" / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"magazine-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup_write(path)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path}: "
                f"{manifest['objects']} rows, {manifest['media_files']} media files."
            )
        )
