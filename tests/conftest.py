import pytest


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast hashing, a private media folder and an empty cache for every test."""
    from django.core.cache import cache

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    from tests.factories import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
