import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from staff.models import AuditEvent, StaffSession
from staff.services import recovery_codes_issue
from staff.sessions import LAST_SEEN_KEY
from tests.factories import PASSWORD, make_editor, make_user
from tests.staff.helpers import VERIFY, sign_in_password
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind
SESSIONS = "/admin/staff/staffsession/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    return client


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_a_sign_in_is_tracked_with_its_address_and_browser():
    staff = make_editor(username="nodira")
    device = authenticator_for(staff)
    client = Client(HTTP_USER_AGENT="Firefox/140")
    sign_in_password(client, "nodira", ip="10.1.2.3")
    tracked = StaffSession.objects.get(user=staff)
    assert (tracked.ip, tracked.user_agent, tracked.is_verified) == ("10.1.2.3", "Firefox/140", False)
    client.post(VERIFY, {"code": totp_code(device)}, REMOTE_ADDR="10.1.2.3")
    tracked = StaffSession.objects.get(user=staff)
    assert tracked.is_verified and tracked.session_key == client.session.session_key


def test_the_session_cookie_and_row_expire_after_the_idle_limit(settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 3600
    make_editor(username="lola")
    client = Client()
    response = sign_in_password(client, "lola")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3600
    assert client.session.get_expiry_age() == 3600


def test_an_idle_staff_session_ends_at_its_next_request(settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    staff = make_editor()
    client = signed_in(staff)
    idle_for(client, 599)
    assert client.get("/admin/").status_code == 200
    idle_for(client, 601)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert AuditEvent.objects.filter(kind=Kind.SESSION_EXPIRED, user=staff).exists()
    assert not StaffSession.objects.filter(user=staff).exists()


def test_the_idle_limit_is_eight_hours_by_default(settings):
    assert settings.STAFF_SESSION_IDLE_SECONDS == 8 * 3600


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one():
    staff = make_editor()
    this, other = signed_in(staff), signed_in(staff)
    response = this.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "an-even-longer-pass-42",
            "new_password2": "an-even-longer-pass-42",
        },
    )
    assert response.status_code == 302
    assert this.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_CHANGED, user=staff, actor=staff).exists()


def test_a_factor_change_ends_the_other_sessions_and_keeps_this_one():
    staff = make_editor()
    this, other = signed_in(staff), signed_in(staff)
    response = this.post("/admin/two-factor/recovery-codes/renew/")  # the factor is fresh: runs at once
    assert response.status_code == 302
    assert this.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(kind=Kind.RECOVERY_CODES_ISSUED, user=staff).exists()


def test_a_superuser_lists_a_users_sessions_and_ends_one():
    staff = make_editor()
    first, second = signed_in(staff), signed_in(staff)
    boss = signed_in(make_user(is_staff=True, is_superuser=True))
    page = boss.get(SESSIONS, {"user__id__exact": staff.pk})
    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert {row.session_key for row in rows} == {first.session.session_key, second.session.session_key}
    target = StaffSession.objects.get(session_key=first.session.session_key)
    response = boss.post(SESSIONS, {"action": "end_selected", "_selected_action": [target.pk]})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 302
    assert second.get("/admin/").status_code == 200
    assert not Session.objects.filter(session_key=target.session_key).exists()
    assert AuditEvent.objects.filter(kind=Kind.SESSION_ENDED, user=staff).exists()


def test_an_editor_cannot_see_or_end_sessions():
    editor = signed_in(make_editor())
    assert editor.get(SESSIONS).status_code == 403


def test_recovery_codes_renewed_by_a_service_call_outside_a_request_end_every_session():
    staff = make_editor()
    client = signed_in(staff)
    recovery_codes_issue(user=staff)  # the first codes: a new factor
    assert client.get("/admin/").status_code == 302
