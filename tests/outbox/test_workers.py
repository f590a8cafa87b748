"""Real `manage.py db_worker` processes on a database of their own: a worker killed mid-batch loses nothing.

The database is a file SQLite, or a fresh PostgreSQL database when the suite runs on PostgreSQL.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from tests.outbox.helpers import SlowMailbox, SmtpServer

ROOT = Path(__file__).resolve().parents[2]
LETTERS = 6


def manage(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def base_env():
    unset = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    return {k: v for k, v in os.environ.items() if k not in unset} | {"DEBUG": "1"}


class PostgresDatabases:
    """Databases beside the test database, made from a migrated template (CREATE DATABASE … TEMPLATE)."""

    def __init__(self):
        import psycopg2

        self.params = params = connection.settings_dict
        self.admin = psycopg2.connect(
            dbname="postgres",
            user=params["USER"],
            password=params["PASSWORD"],
            host=params["HOST"],
            port=params["PORT"] or 5432,
        )
        self.admin.autocommit = True

    def url(self, name):
        auth = self.params["USER"] + (f":{self.params['PASSWORD']}" if self.params["PASSWORD"] else "")
        return f"postgres://{auth}@{self.params['HOST']}:{self.params['PORT'] or 5432}/{name}"

    def create(self, name, template=None):
        with self.admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop(self, name):
        with self.admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated database for worker processes, made once per module: a file, or a PostgreSQL template."""
    with django_db_blocker.unblock():
        vendor = connection.vendor
        template = f"{connection.settings_dict['NAME']}_workers_template"
        if vendor == "postgresql":
            postgres = PostgresDatabases()
            url = postgres.create(template)
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('workers') / 'template.sqlite3'}"
        manage("migrate", "--verbosity", "0", env=base_env() | {"DATABASE_URL": url})
        yield (postgres, template) if vendor == "postgresql" else url
        if vendor == "postgresql":
            postgres.drop(template)
            postgres.admin.close()


@pytest.fixture
def worker_env(migrated_database, tmp_path):
    """The environment of worker processes: a fresh copy of the migrated database, no letter in it yet."""
    if isinstance(migrated_database, str):
        copy = tmp_path / "workers.sqlite3"
        shutil.copy(migrated_database.removeprefix("sqlite:///"), copy)
        yield base_env() | {"DATABASE_URL": f"sqlite:///{copy}"}
        return
    postgres, template = migrated_database
    name = template.removesuffix("_template")
    yield base_env() | {"DATABASE_URL": postgres.create(name, template=template)}
    postgres.drop(name)


def worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def letter_statuses(env):
    script = "import json; print(json.dumps(sorted(Letter.objects.values_list('status', 'attempts'))))"
    output = manage("shell", "--no-imports", "-c", f"from outbox.models import Letter; {script}", env=env)
    return json.loads(output.stdout)


def test_a_worker_killed_mid_batch_and_another_started_send_each_letter_once(worker_env):
    mailbox = SlowMailbox(hold_from=2)  # the third letter waits at the server: the worker is killed then
    with SmtpServer(mailbox) as server:
        env = worker_env | {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            "OUTBOX_SENDING_TIMEOUT": "2",
            "OUTBOX_RETRY_SECONDS": "1",
        }
        queue = "; ".join(
            f"letter_send(to='reader{n}@example.org', subject='Letter {n}', body='Text', kind='test')"
            for n in range(LETTERS)
        )
        manage("shell", "-c", f"from outbox.services import letter_send; {queue}", env=env)

        mailbox.gate.clear()
        first = worker(env)
        try:
            assert mailbox.waiting.wait(timeout=60), "the first worker never reached the third letter"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            first.kill()
        mailbox.gate.set()

        second = worker(env)
        try:
            deadline = time.monotonic() + 90
            while (statuses := letter_statuses(env)) and any(s != "sent" for s, _ in statuses):
                assert time.monotonic() < deadline, f"letters not all sent: {statuses}"
                time.sleep(0.5)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)

    assert Counter(mailbox.recipients()) == {f"reader{n}@example.org": 1 for n in range(LETTERS)}
    assert sorted(attempts for _, attempts in statuses) == [1] * (LETTERS - 1) + [2]  # the killed one: twice


def test_make_runs_server_and_worker_answer_and_send_and_stop_together_on_ctrl_c(worker_env, tmp_path):
    """scripts/dev.py is what `make run` starts after seeding: a page answers, a queued letter is sent."""
    import urllib.request

    from tests.outbox.helpers import free_port

    mail_dir, port = tmp_path / "mail", free_port()
    env = worker_env | {"EMAIL_BACKEND": "file", "EMAIL_FILE_PATH": str(mail_dir)}
    dev = subprocess.Popen(
        [sys.executable, "scripts/dev.py", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        manage(
            "shell",
            "-c",
            "from outbox.services import letter_send; "
            "letter_send(to='desk@example.org', subject='Hi', body='Text', kind='test')",
            env=env,
        )
        deadline = time.monotonic() + 60
        while not (mail_dir.exists() and any(mail_dir.iterdir())):
            assert time.monotonic() < deadline, "the worker never sent the letter"
            time.sleep(0.2)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/contacts/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the development server never answered"
                time.sleep(0.2)
        dev.send_signal(signal.SIGINT)
        assert dev.wait(timeout=60) == 0
    finally:
        dev.kill()
    [letter] = mail_dir.iterdir()
    assert "To: desk@example.org" in letter.read_text()
    assert processes_with_env(f"EMAIL_FILE_PATH={mail_dir}") == []  # no server, worker or reloader left


def processes_with_env(marker):
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() + b"\0" in environ.read_bytes():
                found.append(environ.parent.name)
        except OSError:  # gone meanwhile, or not ours to read
            pass
    return found
