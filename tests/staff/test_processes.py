"""The lockout's counters live in the shared cache: codes typed at one app process count in all."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.factories import make_editor
from tests.staff.helpers import VERIFY, half_signed_in
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/4"  # this app's Redis test database
CHECK = (
    "from django.test import RequestFactory\n"
    "from guards.lockout import failure_record, is_locked_out\n"
    "request = RequestFactory().post('/', REMOTE_ADDR='10.7.7.7')\n"
    "if '{action}' == 'fail':\n"
    "    [failure_record(request, '{username}') for _ in range(5)]\n"
    "print(is_locked_out(request, '{username}'))\n"
)


@pytest.fixture
def shared_cache(settings):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    original = settings.CACHES
    settings.CACHES = {"default": {"BACKEND": "sitecache.backends.RedisCache", "LOCATION": REDIS_URL}}
    yield
    for key in connection.scan_iter("*lockout:*"):
        connection.delete(key)
    settings.CACHES = original  # before conftest's cache.clear()


def other_process(action, username):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env |= {"DEBUG": "1", "REDIS_URL": REDIS_URL, "DATABASE_URL": "sqlite:///:memory:"}
    # There the failures stay under its own limit, so no lockout event needs its (empty) database.
    env["LOGIN_FAILURES_PER_USER"] = "10" if action == "fail" else "5"
    script = CHECK.format(action=action, username=username)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_wrong_codes_here_lock_the_account_in_another_process(shared_cache):
    staff = make_editor(username=f"multi-{uuid.uuid4().hex[:8]}")
    authenticator_for(staff)
    client = half_signed_in(staff)
    assert other_process("check", staff.username) == "False"
    for _ in range(5):
        client.post(VERIFY, {"code": "000000"})
    assert other_process("check", staff.username) == "True"


def test_failures_in_another_process_stop_the_code_step_here(shared_cache):
    staff = make_editor(username=f"multi-{uuid.uuid4().hex[:8]}")
    device = authenticator_for(staff)
    assert other_process("fail", staff.username) == "False"  # 5 failures: under that process's 10
    assert half_signed_in(staff).post(VERIFY, {"code": totp_code(device)}).status_code == 429
