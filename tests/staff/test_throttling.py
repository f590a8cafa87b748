"""The admin lockout and the second-factor step share one throttle (guards/lockout.py)."""

import pytest
from django.test import Client

from staff.models import AuditEvent
from staff.services import recovery_codes_issue
from tests.factories import make_editor
from tests.staff.helpers import ENROL, VERIFY, half_signed_in, sign_in_password
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_failures(settings):
    settings.LOGIN_FAILURES_PER_USER = 3


def test_wrong_codes_lock_the_account_and_then_even_the_right_code_is_not_tried():
    staff = make_editor(username="nodira")
    device = authenticator_for(staff)
    client = half_signed_in(staff)
    assert [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(3)] == [400, 400, 429]
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.last_t == -1  # the right code was never checked, so it stays unused


def test_wrong_codes_also_lock_the_password_step():
    staff = make_editor(username="bekzod")
    authenticator_for(staff)
    client = half_signed_in(staff)
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    assert sign_in_password(Client(), "bekzod", ip="10.9.9.9").status_code == 429


def test_wrong_passwords_lock_the_code_step_of_a_session_already_past_the_password():
    staff = make_editor(username="aziz")
    device = authenticator_for(staff)
    client = half_signed_in(staff)
    for n in range(3):
        sign_in_password(Client(), "aziz", password=f"wrong-{n}", ip=f"10.0.0.{n + 10}")
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 429


def test_the_right_password_does_not_forgive_wrong_codes():
    """Knowing the password must not buy an attacker fresh guesses at the code."""
    staff = make_editor(username="lola")
    authenticator_for(staff)
    for _ in range(3):  # each round: the right password, then a wrong code
        client = Client()
        assert sign_in_password(client, "lola").status_code == 302
        client.post(VERIFY, {"code": "000000"})
    assert sign_in_password(Client(), "lola").status_code == 429


def test_the_second_factor_forgives_earlier_failures():
    staff = make_editor(username="dilshod")
    device = authenticator_for(staff)
    client = half_signed_in(staff)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000000"})
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    for _ in range(2):
        assert half_signed_in(staff).post(VERIFY, {"code": "000000"}).status_code == 400


def test_wrong_recovery_codes_and_enrolment_codes_count_too():
    staff = make_editor(username="zarina")
    client = half_signed_in(staff)
    client.get(ENROL)
    assert client.post(ENROL, {"code": "000000"}).status_code == 400
    assert client.post(ENROL, {"code": "000000"}).status_code == 400
    assert client.post(ENROL, {"code": "000000"}).status_code == 429
    other = make_editor(username="timur")
    authenticator_for(other)
    recovery_codes_issue(user=other)
    client = half_signed_in(other)
    statuses = [client.post(VERIFY, {"code": "zzzzzzzz"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_a_lockout_is_logged_once():
    staff = make_editor(username="kamola")
    authenticator_for(staff)
    client = half_signed_in(staff)
    for _ in range(5):
        client.post(VERIFY, {"code": "000000"})
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKOUT, username="kamola").count() == 1
