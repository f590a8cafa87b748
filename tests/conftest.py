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


@pytest.fixture(autouse=True)
def _staff_logins_verified(monkeypatch):
    """Staff logged in by the test client have given their second factor (see tests/staff_login.py).

    Tests written anywhere may keep calling client.force_login(staff) / client.login(...) / use
    admin_client or editor_client: the admin opens to them as to a fully signed-in editor.
    """
    from django.test.client import ClientMixin

    from tests.staff_login import force_login_verified, login_verified

    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)
    monkeypatch.setattr(ClientMixin, "login", login_verified)


@pytest.fixture
def editor(db):
    from tests.factories import make_editor

    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
