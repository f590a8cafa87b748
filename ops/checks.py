"""System checks of our own: `manage.py check --deploy` warns about set-ups that are wrong in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Caches that live inside one process: a second worker or a management command would not see them.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend}) lives inside one process.",
            hint=(
                "Each worker would keep its own content version, pages, rate limits and lockouts, and "
                "serve pages that another process has changed (a paywall switch included). Leave "
                "CACHES to the settings' default (a SQLite file shared by the machine) or set REDIS_URL."
            ),
            id="magazine.W001",
        )
    ]
