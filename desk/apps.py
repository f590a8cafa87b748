"""The editors' desk app: installed for its static files (the desk's and the dashboard's CSS and JS)."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Editors' desk"
