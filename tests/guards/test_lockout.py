import pytest

from tests.factories import make_editor
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_an_editor_signs_in(client):
    make_editor(username="nodira", password="a-good-long-password")
    assert login(client, "nodira", "a-good-long-password").status_code == 302


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, settings):
    settings.LOGIN_FAILURES_PER_USER = 5
    make_editor(username="nodira", password="a-good-long-password")
    for n in range(5):
        assert login(client, "nodira", f"wrong-{n}", ip=f"10.0.0.{n}").status_code == 200
    response = login(client, "nodira", "a-good-long-password", ip="10.0.1.1")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_one_address_guessing_many_accounts_is_locked(client, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    make_editor(username="bekzod", password="a-good-long-password")
    for n in range(3):
        login(client, f"user{n}", "whatever", ip="192.0.2.7")
    assert login(client, "bekzod", "a-good-long-password", ip="192.0.2.7").status_code == 429
    assert login(client, "bekzod", "a-good-long-password", ip="192.0.2.8").status_code == 302


def test_a_successful_sign_in_clears_the_users_failures(client, settings):
    """A staff sign-in succeeds with its second factor: only then are the failures forgotten."""
    settings.LOGIN_FAILURES_PER_USER = 3
    device = authenticator_for(make_editor(username="aziz", password="a-good-long-password"))
    login(client, "aziz", "wrong")
    login(client, "aziz", "wrong")
    assert login(client, "aziz", "a-good-long-password").status_code == 302
    assert client.post("/admin/two-factor/", {"code": totp_code(device)}).status_code == 302
    client.logout()
    login(client, "aziz", "wrong")
    login(client, "aziz", "wrong")
    assert login(client, "aziz", "a-good-long-password").status_code == 302


def test_password_validators_refuse_a_weak_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
