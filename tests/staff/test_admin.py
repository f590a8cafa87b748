import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AuditEvent
from staff.services import recovery_codes_issue
from tests.factories import make_editor
from tests.staff.helpers import ENROL, VERIFY, sign_in_password
from tests.staff_login import authenticator_for

pytestmark = pytest.mark.django_db
USERS = "/admin/auth/user/"


def test_the_user_page_shows_the_second_factors_and_the_sessions(boss_client):
    staff = make_editor()
    authenticator_for(staff)
    recovery_codes_issue(user=staff)
    Client().force_login(staff)
    html = boss_client.get(f"{USERS}{staff.pk}/change/").content.decode()
    assert "authenticator app · 10 recovery codes left" in html
    assert f"/admin/staff/staffsession/?user__id__exact={staff.pk}" in html and "1 session" in html


def test_a_superuser_resets_a_lost_factor_the_person_enrols_again_and_it_is_logged(boss_client, boss):
    staff = make_editor(username="nodira")
    authenticator_for(staff)
    recovery_codes_issue(user=staff)
    their_session = Client()
    their_session.force_login(staff)
    response = boss_client.post(USERS, {"action": "reset_second_factors", "_selected_action": [staff.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FACTOR_RESET)
    assert (event.user, event.actor) == (staff, boss)
    assert their_session.get("/admin/").status_code == 302
    client = Client()
    sign_in_password(client, "nodira")
    assert client.get(VERIFY)["Location"].startswith(ENROL)


def test_the_reset_needs_a_fresh_factor_of_the_superuser(boss_client):
    staff = make_editor()
    authenticator_for(staff)
    session = boss_client.session
    session["staff_2fa_verified_at"] = 0
    session.save()
    response = boss_client.post(USERS, {"action": "reset_second_factors", "_selected_action": [staff.pk]})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_django_otps_device_pages_with_secret_keys_are_not_offered(boss_client):
    assert boss_client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert boss_client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_a_staff_member_sees_their_factors_and_adds_a_passkey_from_their_settings(editor_client):
    html = editor_client.get("/admin/two-factor/settings/").content.decode()
    assert "passkey-register-button" in html and "otp_webauthn_config" in html
    assert 'href="/admin/two-factor/settings/"' in editor_client.get("/admin/").content.decode()
