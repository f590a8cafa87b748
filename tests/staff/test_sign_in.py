from base64 import b32decode

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from staff.models import AuditEvent
from staff.services import recovery_codes_issue
from tests.factories import make_article, make_editor, make_print_first, make_user
from tests.staff.helpers import ENROL, VERIFY, half_signed_in, sign_in_password
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind


def enrol_code(client):
    """The code an authenticator app shows for the key on the enrolment page."""
    secret = client.get(ENROL).context["secret"].replace(" ", "")
    return f"{TOTP(b32decode(secret)).token():06d}"


def test_the_password_alone_does_not_open_the_admin():
    client = Client()
    staff = make_editor(username="nodira")
    authenticator_for(staff)
    assert sign_in_password(client, "nodira").status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/admin/"
    assert client.get("/admin/articles/article/").status_code == 302


def test_a_staff_member_without_a_factor_is_sent_to_enrol():
    client = half_signed_in(make_editor())
    response = client.get(f"{VERIFY}?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)


def test_enrolling_an_authenticator_app_signs_in_and_shows_ten_recovery_codes_once():
    staff = make_editor()
    client = half_signed_in(staff)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "otpauth://totp/Regional%20Security%3A" in TOTPDevice(user=staff, key="00" * 20).config_url
    assert b"<svg" in page.content and page.context["secret"]
    response = client.post(ENROL, {"code": enrol_code(client), "next": "/admin/"})
    assert response.status_code == 302 and "/admin/two-factor/recovery-codes/" in response["Location"]
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(codes)
    assert client.get("/admin/two-factor/recovery-codes/").context["codes"] is None  # shown once
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, user=staff, detail="authenticator app").exists()
    assert AuditEvent.objects.filter(kind=Kind.FACTOR_ADDED, user=staff).count() == 2  # app, codes


def test_a_wrong_enrolment_code_adds_nothing_and_says_why():
    staff = make_editor()
    client = half_signed_in(staff)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/").status_code == 302


def test_a_staff_member_with_a_factor_cannot_enrol_another_before_giving_it():
    staff = make_editor()
    authenticator_for(staff)
    response = half_signed_in(staff).get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_the_current_code_completes_the_sign_in_with_a_new_session_key():
    staff = make_editor(username="bekzod")
    device = authenticator_for(staff)
    client = Client()
    sign_in_password(client, "bekzod")
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/articles/article/"})
    assert response.status_code == 302 and response["Location"] == "/admin/articles/article/"
    assert client.session.session_key != key_before
    assert client.get("/admin/articles/article/").status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, user=staff).count() == 1


def test_a_wrong_code_is_refused_and_logged():
    staff = make_editor()
    authenticator_for(staff)
    client = half_signed_in(staff)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED, user=staff).exists()


def test_an_empty_or_overlong_code_gets_a_form_error_not_a_500():
    staff = make_editor()
    authenticator_for(staff)
    client = half_signed_in(staff)
    assert client.post(VERIFY, {"code": ""}).status_code == 400
    assert client.post(VERIFY, {"code": "9" * 500}).status_code == 400


def test_a_code_cannot_be_used_twice():
    staff = make_editor(username="aziza")
    device = authenticator_for(staff)
    code = totp_code(device)
    first = Client()
    sign_in_password(first, "aziza")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = Client()
    sign_in_password(second, "aziza")
    assert second.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once():
    staff = make_editor()
    authenticator_for(staff)
    code = recovery_codes_issue(user=staff)[0]
    assert half_signed_in(staff).post(VERIFY, {"code": code.upper()}).status_code == 302
    assert half_signed_in(staff).post(VERIFY, {"code": code}).status_code == 400
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, detail="recovery code (9 left)").exists()


def test_an_outside_next_address_is_not_followed():
    staff = make_editor()
    device = authenticator_for(staff)
    response = half_signed_in(staff).post(
        VERIFY, {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_before_the_second_factor_a_staff_member_reads_the_site_as_a_reader():
    staff = make_editor()
    authenticator_for(staff)
    draft = make_article(status=Article.Status.DRAFT, publish_at=None)
    article = make_print_first()
    half = half_signed_in(staff)
    assert half.get(draft.get_absolute_url()).status_code == 404
    assert "HIDDENMARKER" not in half.get(article.get_absolute_url()).content.decode()
    verified = Client()
    verified.force_login(staff)
    assert verified.get(draft.get_absolute_url()).status_code == 200
    assert "HIDDENMARKER" in verified.get(article.get_absolute_url()).content.decode()


def test_with_the_requirement_off_the_password_opens_the_admin(settings):
    settings.STAFF_2FA_REQUIRED = False
    client = Client()
    make_editor(username="lola")
    sign_in_password(client, "lola")
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN, username="lola", detail="password").exists()


def test_a_reader_account_without_staff_status_is_not_asked_for_a_factor():
    user = make_user()
    client = half_signed_in(user)
    assert client.get("/uz/").status_code == 200
    assert client.get(VERIFY).status_code == 302  # nothing to verify: on to the admin (which refuses)


def test_the_verify_page_offers_to_sign_out_and_the_sign_out_is_logged():
    staff = make_editor()
    authenticator_for(staff)
    client = half_signed_in(staff)
    assert 'action="/admin/two-factor/sign-out/"' in client.get(VERIFY).content.decode()
    assert client.post("/admin/two-factor/sign-out/")["Location"] == "/admin/login/"
    assert AuditEvent.objects.filter(kind=Kind.SIGN_OUT, user=staff).exists()
    assert client.get("/admin/").status_code == 302
