"""Every mail setting in the environment is honoured; `manage.py sendtestemail` proves the set-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from magazine.settings import BASE_DIR, mailer_from_env
from outbox.checks import mailer_configured
from tests.magazine.test_settings import manage

EMAIL_VARIABLES = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_FILE_PATH", "EMAIL_USE_TLS"]


@pytest.fixture
def env(monkeypatch):
    for name in EMAIL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch.setenv


@pytest.mark.parametrize(
    ("variables", "backend", "options"),
    [
        ({}, "console", {}),
        ({"EMAIL_BACKEND": "dummy"}, "dummy", {}),
        ({"EMAIL_BACKEND": "locmem"}, "locmem", {}),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "console", {}),
        (
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/tmp/m",
            },
            "filebased",
            {"file_path": "/tmp/m"},
        ),
        (
            {"EMAIL_BACKEND": "file", "EMAIL_FILE_PATH": "var/mail"},
            "filebased",
            {"file_path": f"{BASE_DIR}/var/mail"},
        ),
        (
            {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "1"},
            "smtp",
            {"host": "smtp.example.org", "port": 587, "use_tls": True},
        ),
    ],
)
def test_the_mail_backend_and_its_options_come_from_the_environment(env, variables, backend, options):
    for name, value in variables.items():
        env(name, value)
    mailer = mailer_from_env()
    assert mailer["BACKEND"] == f"django.core.mail.backends.{backend}.EmailBackend"
    assert mailer["OPTIONS"].items() >= options.items()


def test_a_file_backend_without_its_folder_stops_start_up(env):
    env("EMAIL_BACKEND", "file")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_FILE_PATH"):
        mailer_from_env()


def test_the_system_check_reports_a_mail_setup_django_refuses(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend"}}
    [error] = mailer_configured()
    assert error.id == "outbox.E001" and "file_path" in error.msg
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert mailer_configured() == []


def test_sendtestemail_with_the_file_backend_writes_the_letter(tmp_path):
    """The set-up of issue 13 (file backend + EMAIL_FILE_PATH) now works, as a real process reads it."""
    result = manage(
        "sendtestemail",
        "desk@example.org",
        env={
            "DEBUG": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        },
    )
    assert result.returncode == 0, result.stderr
    [letter] = (tmp_path / "mail").iterdir()
    assert "To: desk@example.org" in letter.read_text()


def test_sendtestemail_fails_loudly_when_the_mail_server_is_away(settings, mailoutbox):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(ConnectionRefusedError):
        call_command("sendtestemail", "desk@example.org")
