import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from staff.models import AuditEvent
from tests.factories import make_editor
from tests.staff.helpers import sign_in_password

pytestmark = pytest.mark.django_db
Kind = AuditEvent.Kind
LOG = "/admin/staff/auditevent/"


def events(kind, **filters):
    return list(
        AuditEvent.objects.filter(kind=kind, **filters).values_list("username", "actor_name", "detail")
    )


def test_only_superusers_read_the_audit_log_and_nobody_edits_it(boss_client, editor_client):
    event = AuditEvent.objects.create(kind=Kind.SIGN_IN, username="someone")
    assert editor_client.get(LOG).status_code == 403
    page = boss_client.get(LOG)
    assert page.status_code == 200 and "someone" in page.content.decode()
    assert boss_client.get(f"{LOG}add/").status_code == 403
    assert boss_client.post(f"{LOG}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_audit_log_list_costs_the_same_with_many_events(boss_client, django_assert_max_num_queries):
    AuditEvent.objects.bulk_create(AuditEvent(kind=Kind.SIGN_IN_FAILED, username=f"u{n}") for n in range(60))
    with django_assert_max_num_queries(12):
        assert boss_client.get(LOG).status_code == 200


def test_a_wrong_password_is_logged_with_the_name_typed_and_the_address():
    sign_in_password(Client(), "nobody-here", password="guess", ip="192.0.2.9")
    event = AuditEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert (event.username, event.ip, event.detail) == ("nobody-here", "192.0.2.9", "wrong password")


def test_making_someone_a_superuser_in_the_admin_is_logged_with_who_did_it(boss_client):
    staff = make_editor(username="nodira", first_name="Nodira")
    form = boss_client.get(f"/admin/auth/user/{staff.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data |= {
        "username": "nodira",
        "is_superuser": "on",
        "is_staff": "on",
        "is_active": "on",
        "groups": [group.pk for group in staff.groups.all()] + [Group.objects.get(name="Moderators").pk],
        "user_permissions": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = boss_client.post(f"/admin/auth/user/{staff.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ("nodira", "boss", "is_superuser on") in events(Kind.ROLE_CHANGED)
    assert ("nodira", "boss", "groups: +Moderators") in events(Kind.ROLE_CHANGED)


def test_taking_staff_status_away_and_group_changes_are_logged():
    staff = make_editor(username="bekzod")
    staff.is_staff = False
    staff.save()
    Group.objects.get(name="Editors").user_set.remove(staff)
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    staff.groups.clear()
    logged = events(Kind.ROLE_CHANGED, username="bekzod")
    assert ("bekzod", "", "is_staff off") in logged
    assert ("bekzod", "", "groups: -Editors") in logged
    assert any(detail.startswith("permissions: +") for _, _, detail in logged)


def test_a_change_of_a_groups_permissions_is_logged():
    Group.objects.get(name="Moderators").permissions.add(Permission.objects.get(codename="view_article"))
    assert events(Kind.ROLE_CHANGED, username="group Moderators")


def test_saving_a_user_without_role_changes_logs_nothing_new():
    staff = make_editor()
    before = AuditEvent.objects.count()
    staff.first_name = "Renamed"
    staff.save()
    assert AuditEvent.objects.count() == before
