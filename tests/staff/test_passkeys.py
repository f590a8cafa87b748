"""Passkeys (django-otp-webauthn) at the request level: the options endpoints, the refusals, and the
whole registration and authentication ceremonies answered by a software passkey (authenticator.py)."""

import json

import pytest
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from staff.models import AuditEvent
from tests.factories import make_editor
from tests.staff.authenticator import ORIGIN, SoftwarePasskey, b64url
from tests.staff.helpers import half_signed_in
from tests.staff_login import authenticator_for

pytestmark = pytest.mark.django_db
BASE = "/admin/two-factor/passkeys/"
Kind = AuditEvent.Kind


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def post(client, path, data=None):
    return client.post(BASE + path, json.dumps(data or {}), content_type="application/json")


def register(client, passkey):
    options = post(client, "registration/begin/").json()
    return post(client, "registration/complete/", passkey.create(options))


def authenticate(client, passkey, next_url="/admin/articles/article/"):
    options = post(client, "authentication/begin/").json()
    return client.post(
        f"{BASE}authentication/complete/?next={next_url}",
        json.dumps(passkey.get(options)),
        content_type="application/json",
    )


def staff_with_passkey():
    staff = make_editor()
    passkey = SoftwarePasskey()
    assert register(half_signed_in(staff), passkey).status_code == 200
    return staff, passkey


def test_without_a_session_no_ceremony_starts():
    client = Client()
    assert post(client, "authentication/begin/").status_code == 403  # no passwordless sign-in
    assert post(client, "registration/begin/").status_code == 403
    assert post(client, "authentication/complete/").status_code == 403


def test_registration_options_name_the_site_and_the_person():
    staff = make_editor(username="nodira")
    options = post(half_signed_in(staff), "registration/begin/").json()
    assert options["rp"] == {"name": "Regional Security", "id": "localhost"}
    assert options["user"]["name"] == "nodira" and options["challenge"]


def test_a_password_only_session_cannot_add_a_passkey_to_an_account_that_has_a_factor():
    staff = make_editor()
    authenticator_for(staff)
    response = post(half_signed_in(staff), "registration/begin/")
    assert response.status_code == 403 and response.json()["code"] == "user_not_verified"


def test_registering_the_first_passkey_completes_the_sign_in():
    staff = make_editor()
    client = half_signed_in(staff)
    response = register(client, SoftwarePasskey())
    assert response.status_code == 200
    assert WebAuthnCredential.objects.filter(user=staff).count() == 1
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.FACTOR_ADDED, user=staff, detail="passkey").exists()
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, user=staff, detail="passkey").exists()


def test_authentication_options_list_only_this_persons_passkeys():
    staff, passkey = staff_with_passkey()
    other, _ = staff_with_passkey()
    options = post(half_signed_in(staff), "authentication/begin/").json()
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(passkey.credential_id)]
    assert options["rpId"] == "localhost"


def test_a_passkey_completes_the_sign_in_and_goes_to_next():
    staff, passkey = staff_with_passkey()
    client = half_signed_in(staff)
    response = authenticate(client, passkey)
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200


def test_a_passkey_signature_from_another_origin_is_refused_and_counted(settings):
    settings.LOGIN_FAILURES_PER_USER = 2
    staff, passkey = staff_with_passkey()
    passkey.origin = "https://evil.example"
    client = half_signed_in(staff)
    assert authenticate(client, passkey).status_code == 422
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(
        kind=Kind.SIGN_IN_FAILED, user=staff, detail__startswith="passkey"
    ).exists()
    authenticate(client, passkey)
    passkey.origin = ORIGIN
    assert post(client, "authentication/begin/").status_code == 429  # locked: not even the options


def test_another_persons_passkey_is_refused():
    staff, _ = staff_with_passkey()
    _, strangers_passkey = staff_with_passkey()
    client = half_signed_in(staff)
    assert authenticate(client, strangers_passkey).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_completing_without_beginning_is_a_clear_400_and_not_a_failure():
    staff, passkey = staff_with_passkey()
    client = half_signed_in(staff)
    response = post(client, "authentication/complete/", passkey.get({"rpId": "localhost", "challenge": "x"}))
    assert response.status_code == 400 and response.json()["code"] == "invalid_state"
    assert not AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).exists()


def test_malformed_json_gets_a_400_not_a_500():
    staff, _ = staff_with_passkey()
    client = half_signed_in(staff)
    post(client, "authentication/begin/")
    response = client.post(BASE + "authentication/complete/", "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("language", "text"), [("uz", "Kirish kaliti bilan tasdiqlash"), ("ru", "Подтвердить ключом доступа")]
)
def test_the_passkey_buttons_speak_uzbek_and_russian(client, language, text):
    response = client.get(f"{BASE}jsi18n/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and json.dumps(text)[1:-1] in response.content.decode()  # \u-escaped
