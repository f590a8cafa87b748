"""The backups app: installed for its commands, `manage.py backup` and `manage.py restore`."""

from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "backups"
    verbose_name = "Backups"
