"""Subscriber managers give and revoke access in the admin: a reader by email, a period, a note."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from readers.models import AccessGrant, Reader
from tests.factories import make_grant, make_issue, make_print_first, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ADD = "/admin/readers/accessgrant/add/"


def grant_form(**overrides):
    return {
        "email": "new.reader@example.org",
        "scope": "everything",
        "first_day": "2026-01-01",
        "last_day": "2026-12-31",
        "reason": "print_subscription",
        "note": "Subscriber 1042, paid in cash",
    } | overrides


def local_midnight(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def test_a_grant_by_email_creates_the_reader_and_covers_whole_days(manager_client, manager):
    response = manager_client.post(ADD, grant_form(email="  New.Reader@Example.ORG "))
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.reader.email == "new.reader@example.org" and grant.reader.verified_at is None
    assert grant.starts_at == local_midnight(date(2026, 1, 1))
    assert grant.ends_at == local_midnight(date(2027, 1, 1))  # through 31.12.2026
    assert grant.granted_by == manager and grant.note == "Subscriber 1042, paid in cash"


def test_a_grant_for_a_known_address_in_another_spelling_reuses_the_reader(manager_client):
    reader = make_reader(email="dilnoza@example.uz")
    assert manager_client.post(ADD, grant_form(email="DILNOZA@Example.UZ")).status_code == 302
    assert Reader.objects.count() == 1 and AccessGrant.objects.get().reader == reader


def test_a_grant_with_no_last_day_has_no_end(manager_client):
    manager_client.post(ADD, grant_form(last_day=""))
    assert AccessGrant.objects.get().ends_at is None


def test_a_grant_for_chosen_issues(manager_client):
    issues = [make_issue(), make_issue()]
    data = grant_form(scope="issues", issues=[str(issue.pk) for issue in issues])
    assert manager_client.post(ADD, data).status_code == 302
    assert set(AccessGrant.objects.get().issues.all()) == set(issues)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_day": "2025-12-31"}, "last_day"),
        ({"scope": "issues"}, "issues"),
        ({"email": "not an address"}, "email"),
        ({"email": ""}, "email"),
        ({"first_day": "2026-02-31"}, "first_day"),
        ({"first_day": ""}, "first_day"),
        ({"reason": "bribe"}, "reason"),
        ({"last_day": "9999-12-31"}, "last_day"),
        ({"first_day": "0001-01-01"}, "first_day"),
    ],
)
def test_a_bad_grant_is_refused_with_a_message_and_nothing_is_saved(manager_client, changes, field):
    response = manager_client.post(ADD, grant_form(**changes))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not AccessGrant.objects.exists() and not Reader.objects.exists()


def test_a_missing_first_day_with_a_past_last_day_is_a_form_error_not_a_500(manager_client):
    """Found by the fuzzer: the start then defaults to now, after the last day."""
    response = manager_client.post(ADD, grant_form(first_day="", last_day="2025-12-31"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["first_day"] and errors["last_day"]
    assert not AccessGrant.objects.exists()


def test_the_end_before_the_start_is_refused_in_plain_words(manager_client):
    response = manager_client.post(ADD, grant_form(first_day="2026-05-10", last_day="2026-05-09"))
    assert "The last day comes before the first day." in response.content.decode()


def test_opening_an_existing_grant_and_saving_it_extends_it(manager_client):
    grant = make_grant(
        reader=make_reader(email="kept@example.org"),
        starts_at=local_midnight(date(2026, 1, 1)),
        ends_at=local_midnight(date(2026, 7, 1)),
    )
    url = f"/admin/readers/accessgrant/{grant.pk}/change/"
    form = manager_client.get(url).context["adminform"].form
    assert form["last_day"].value() == date(2026, 6, 30) and form["email"].value() == "kept@example.org"
    data = grant_form(email="someone.else@example.org", first_day="2026-01-01", last_day="2026-12-31")
    assert manager_client.post(url, data).status_code == 302
    grant.refresh_from_db()
    assert grant.ends_at == local_midnight(date(2027, 1, 1))
    assert grant.reader.email == "kept@example.org"  # the address is not changed through a grant


def test_revoking_in_the_admin_ends_access_at_the_next_request(manager_client, manager):
    article = make_print_first()
    reader = make_reader()
    grant = make_grant(reader=reader)
    browser = sign_in_as(Client(), reader)
    assert "HIDDENMARKER" in browser.get(article.get_absolute_url()).content.decode()
    response = manager_client.post(
        "/admin/readers/accessgrant/", {"action": "revoke_selected", "_selected_action": [grant.pk]}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == manager
    assert "HIDDENMARKER" not in browser.get(article.get_absolute_url()).content.decode()


def test_grants_are_never_deleted_in_the_admin(manager_client):
    grant = make_grant()
    assert manager_client.get(f"/admin/readers/accessgrant/{grant.pk}/delete/").status_code == 403
    assert AccessGrant.objects.exists()


def test_deleting_a_reader_in_the_admin_removes_their_grants_and_sessions(manager_client):
    reader = make_reader()
    make_grant(reader=reader)
    browser = sign_in_as(Client(), reader)
    assert (
        manager_client.post(f"/admin/readers/reader/{reader.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert not Reader.objects.exists() and not AccessGrant.objects.exists()
    assert browser.get("/en/account/").status_code == 302


def test_deleting_readers_in_bulk_uses_the_same_rule(manager_client):
    readers = [make_reader(), make_reader()]
    for reader in readers:
        make_grant(reader=reader)
    data = {"action": "delete_selected", "_selected_action": [r.pk for r in readers], "post": "yes"}
    manager_client.post("/admin/readers/reader/", data)
    assert not Reader.objects.exists() and not AccessGrant.objects.exists()


def test_a_manager_signs_a_reader_out_everywhere(manager_client):
    reader = make_reader()
    browser = sign_in_as(Client(), reader)
    manager_client.post(
        "/admin/readers/reader/", {"action": "sign_out_selected", "_selected_action": [reader.pk]}
    )
    assert browser.get("/en/account/").status_code == 302


def test_a_reader_added_by_hand_is_stored_normalized_and_only_once(manager_client):
    data = {
        "email": " Olga@Пример.рф ",
        "language": "ru",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
    }
    assert manager_client.post("/admin/readers/reader/add/", data).status_code == 302
    assert Reader.objects.get().email == "olga@xn--e1afmkfd.xn--p1ai"
    again = manager_client.post("/admin/readers/reader/add/", data | {"email": "OLGA@xn--e1afmkfd.xn--p1ai"})
    assert again.status_code == 200 and Reader.objects.count() == 1


def test_a_readers_address_is_not_changed_in_the_admin(manager_client):
    reader = make_reader(email="kept@example.org")
    data = {
        "email": "taken@example.org",
        "language": "ru",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
    }
    assert manager_client.post(f"/admin/readers/reader/{reader.pk}/change/", data).status_code == 302
    reader.refresh_from_db()
    assert reader.email == "kept@example.org" and reader.language == "ru"


@pytest.mark.parametrize("count", [3, 30])
def test_the_lists_cost_a_fixed_number_of_queries(manager_client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_grant(reader=make_reader(), issues=[make_issue()])
    with django_assert_max_num_queries(12):
        assert manager_client.get("/admin/readers/accessgrant/").status_code == 200
    with django_assert_max_num_queries(10):
        assert manager_client.get("/admin/readers/reader/").status_code == 200


def test_the_dashboard_counts_readers_with_access_and_grants_ending_soon(manager_client):
    make_grant(ends_at=timezone.now() + timedelta(days=10))
    make_grant()
    make_reader()
    html = manager_client.get("/admin/").content.decode()
    assert "readers with access now" in html and "grants ending within 30 days" in html
