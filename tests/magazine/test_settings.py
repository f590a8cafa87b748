import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from magazine.settings import database_from_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x9!" * 20 + "production-like-secret-for-the-check-only",
    "ALLOWED_HOSTS": "magazine.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for Playwright; a deployment has none.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_start_without_a_secret_key_fails_with_a_clear_message():
    result = manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_check_deploy_with_only_the_documented_warning():
    """HSTS preload (security.W021) is left to the site owner on purpose: see README, Security."""
    result = manage("check", "--deploy", "--fail-level", "ERROR", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    reported = re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr)
    assert reported == ["security.W021"], result.stdout + result.stderr


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        ("sqlite:///db.sqlite3", "django.db.backends.sqlite3", str(ROOT / "db.sqlite3")),
        ("sqlite:////tmp/x.db", "django.db.backends.sqlite3", "/tmp/x.db"),
        ("postgres://postgres@127.0.0.1:5432/magazine", "django.db.backends.postgresql", "magazine"),
    ],
)
def test_database_url_is_parsed(url, engine, name):
    config = database_from_url(url)
    assert (config["ENGINE"], config["NAME"]) == (engine, name)


def test_postgres_url_carries_credentials():
    config = database_from_url("postgresql://u%40x:p%2Fw@db.local:6543/mag?sslmode=require")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "u@x",
        "p/w",
        "db.local",
        "6543",
    )
    assert config["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_postgres_runs_without_jit_unless_the_url_says_otherwise():
    assert database_from_url("postgres://u@h/m")["OPTIONS"]["options"] == "-c jit=off"
    assert database_from_url("postgres://u@h/m?options=")["OPTIONS"]["options"] == ""


def test_unknown_database_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")
