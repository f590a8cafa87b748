from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import TOTP

from tests.staff.helpers import VERIFY

pytestmark = pytest.mark.django_db


def seed(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def secret_in(output):
    return next(line for line in output.splitlines() if "secret " in line).split("secret ")[1]


def test_the_printed_secret_signs_the_demo_editor_in(monkeypatch):
    output = seed(monkeypatch, DEMO_EDITOR_TOTP_SECRET="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert "secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in output and "make demo-code" in output
    client = Client()
    client.post("/admin/login/", {"username": "editor", "password": "magazine-demo-2025"})
    code = f"{TOTP(b32decode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).token():06d}"
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_seeding_again_keeps_the_secret_and_demo_code_prints_its_code(monkeypatch, settings):
    secret = secret_in(seed(monkeypatch))
    assert secret_in(seed(monkeypatch)) == secret
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", stdout=out)
    assert out.getvalue().startswith(f"{TOTP(b32decode(secret + '=' * (-len(secret) % 8))).token():06d}")


def test_demo_code_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo_code")
