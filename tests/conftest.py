import os

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser journeys run last: their live server and rollbacks must not shape the state of other tests."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace(os.sep, "/"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast hashing, a private media folder, an empty cache and English for every test.

    Tests read English messages: the admin and the code under test speak English unless a test asks
    for another language (the site's default, Uzbek, is tested explicitly where it matters).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.utils import translation

    from magazine.cache import local_copies

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"
    # A transactional test's flush recreates content types with new ids: forget the cached ones.
    ContentType.objects.clear_cache()
    cache.clear()
    local_copies.clear()
    with translation.override("en"):
        yield
    cache.clear()
    local_copies.clear()


@pytest.fixture
def editor(db):
    from tests.factories import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API (moto's server) in its own process on a free loopback port, for the whole run."""
    from tests.s3 import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_media(settings, s3_endpoint):
    """Media go to a new, empty bucket on the loopback S3 server, configured by MEDIA_STORAGE_URL."""
    from tests.s3 import use_new_bucket

    return use_new_bucket(settings, s3_endpoint)
