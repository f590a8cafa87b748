"""Real `manage.py db_worker` processes on a database of their own: a worker killed mid-batch loses nothing.

The database is a file SQLite, or a fresh PostgreSQL database when the suite runs on PostgreSQL.
"""

import json
import os
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


@pytest.fixture
def worker_env(tmp_path):
    """The environment of a worker process: a migrated database of its own, no letter sent anywhere yet."""
    unset = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset} | {"DEBUG": "1"}
    if connection.vendor == "postgresql":
        import psycopg2

        params = connection.settings_dict
        name = f"{params['NAME']}_workers"
        admin = psycopg2.connect(
            dbname="postgres",
            user=params["USER"],
            password=params["PASSWORD"],
            host=params["HOST"],
            port=params["PORT"] or 5432,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    manage("migrate", "--verbosity", "0", env=env)
    yield env
    if connection.vendor == "postgresql":
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


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
