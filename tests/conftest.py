import pytest
from django.core.signals import setting_changed
from django.dispatch import receiver

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@receiver(setting_changed)
def _reset_task_backends(*, setting, **kwargs):
    """Django caches task backends and, unlike caches or storages, does not reset them for a test."""
    if setting == "TASKS":
        from asgiref.local import Local
        from django.tasks import task_backends

        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Put Django's order back after pytest-randomly's shuffle (which runs after pytest-django's sort).

    Tests inside a rolled-back transaction come first, then those that commit (`transaction=True`, the
    browser), then those without a database; the shuffled order stands within each group. The flush
    after a transactional test leaves the tables empty (no groups, permissions or content types) until
    the next one reloads the migrated rows (serialized_rollback), so a plain database test must not
    follow one. Django's own test runner keeps the same order, shuffled or not.
    """
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    django_order(items)


@pytest.fixture(scope="session", autouse=True)
def _private_cache_file(tmp_path_factory):
    """The shared cache file of this test run alone (not var/cache.sqlite3, which a `make run` or a
    second test run in the same checkout also opens)."""
    from django.conf import settings
    from django.test.utils import override_settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("SQLiteCache"):
        yield
        return
    location = tmp_path_factory.mktemp("cache") / "cache.sqlite3"
    with override_settings(CACHES={**settings.CACHES, "default": {**default, "LOCATION": str(location)}}):
        yield


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """Rate limits count in fixed windows; a slow test must not see its counts reset by a window's end."""
    monkeypatch.setattr("guards.ratelimit.current_window", lambda window: 0)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast hashing, a private media folder, an empty cache and English for every test.

    Tests read English messages: the admin and the code under test speak English unless a test asks
    for another language (the site's default, Uzbek, is tested explicitly where it matters).
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.utils import translation

    from readers.cached import readers_of_sessions
    from sitecache import local_copies
    from sitecache.pages import addresses_topics

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.LANGUAGE_CODE = "en"
    # Tasks run the moment they are queued, so letters land in mail.outbox (pytest-django's `mailoutbox`)
    # as soon as the request's transaction commits. Tests of the queue itself use `task_queue` below.
    settings.TASKS = IMMEDIATE_TASKS
    # A transactional test's flush recreates content types with new ids: forget the cached ones.
    ContentType.objects.clear_cache()
    cache.clear()
    local_copies.clear()
    addresses_topics.clear()
    readers_of_sessions.clear()
    with translation.override("en"):
        yield
    # Content types a test created inside its rolled-back transaction are gone from the database, but
    # not from this cache, which the next test's database set-up (reloading migrated rows) reads first.
    ContentType.objects.clear_cache()
    cache.clear()
    local_copies.clear()
    addresses_topics.clear()
    readers_of_sessions.clear()


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


@pytest.fixture
def reader(db):
    """A reader who has signed in before."""
    from tests.factories import make_reader

    return make_reader(email="dilnoza@example.uz")


@pytest.fixture
def reader_client(client, reader):
    """The test client, signed in as `reader`."""
    from tests.readers.helpers import sign_in_as

    return sign_in_as(client, reader)


@pytest.fixture
def compressions(monkeypatch):
    """One entry per body compressed since the test began: a kept answer's parts, when it is kept, or
    an answer made for one request (`sitecache.pages.gzip_parts`), or a streamed one (Django's)."""
    from django.utils import text

    from sitecache import pages

    calls = []
    for name, real in (
        ("sitecache.pages.gzip_parts", pages.gzip_parts),
        ("django.middleware.gzip.compress_string", text.compress_string),
    ):
        monkeypatch.setattr(name, lambda *args, real=real, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


@pytest.fixture
def manager(db):
    """A subscriber manager (readers' access, issue codes, print subscriptions, institutions)."""
    from tests.factories import make_manager

    return make_manager()


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


class TaskQueue:
    """The real database queue (django-tasks-db), worked through in this process by `run()`."""

    def run(self, *, limit=1000):
        """Run every task that is due now, as `manage.py db_worker --batch` would; return how many ran.

        Tasks queued by tasks (a retry without delay) run too; deferred ones wait for their time.
        """
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        ran = 0
        while ran < limit and (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    def waiting(self):
        """The queued tasks (due or deferred) as (task name, args) pairs, oldest first."""
        from django_tasks_db.models import DBTaskResult

        ready = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")
        return [(result.task_name, result.args_kwargs["args"]) for result in ready]


@pytest.fixture
def task_queue(settings, db):
    """Switch this test to the production queue: tasks wait in the database until `task_queue.run()`.

    Usage: `letter_send(...)` in a request or under `django_capture_on_commit_callbacks(execute=True)`,
    then `task_queue.run()`, then look at `mailoutbox`. Without this fixture every test runs tasks at
    once (the ImmediateBackend), which is what most tests want.
    """
    settings.TASKS = DATABASE_TASKS
    return TaskQueue()


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
