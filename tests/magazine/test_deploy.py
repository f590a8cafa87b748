"""deploy/ is run by make scaletest; these checks keep its files in step with the settings."""

import math
import re
import runpy
from pathlib import Path

from django.conf import settings

from tests.magazine.test_settings import manage

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value.strip('"')
    return values


def test_nginx_accepts_exactly_the_largest_upload_the_site_accepts():
    site = (DEPLOY / "nginx" / "magazine.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert limit == math.ceil((settings.IMAGE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE) / 2**20)
    assert f"larger than {limit} MB" in (DEPLOY / "nginx" / "errors" / "413.html").read_text()


def test_the_environment_template_starts_a_production_site_that_passes_check_deploy():
    """Once its placeholders are filled in (the key is left weak on purpose: check --deploy names it)."""
    env = env_file(DEPLOY / "magazine.env") | {
        "DATABASE_URL": "sqlite:///:memory:",
        "SECRET_KEY": "a-real-key-" + "q8Z!x" * 12,
    }
    result = manage("check", "--deploy", "--fail-level", "ERROR", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr) == ["security.W021"]


def test_gunicorn_takes_its_address_and_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "10.0.0.11:8000")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["bind"], config["workers"], config["timeout"]) == (["10.0.0.11:8000"], 3, 30)
    assert "rid=%({x-request-id}o)s" in config["access_log_format"]
