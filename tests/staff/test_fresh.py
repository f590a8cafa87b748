"""Subscriber exports (and any guarded download) need a fresh second factor; each download is logged."""

import time

import pytest
from django.test import Client

from staff.models import AuditEvent
from staff.services import recovery_codes_issue
from staff.twofactor import VERIFIED_AT_KEY
from tests.factories import make_manager, make_subscriber
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db
SUBSCRIBERS = "/admin/subscriptions/subscriber/"
Kind = AuditEvent.Kind


def factor_given_minutes_ago(client, minutes):
    session = client.session
    session[VERIFIED_AT_KEY] = time.time() - minutes * 60
    session.save()


def export(client, *subscribers, **extra):
    data = {"action": "export_csv", "_selected_action": [s.pk for s in subscribers]} | extra
    return client.post(SUBSCRIBERS, data)


def test_an_export_right_after_the_second_factor_downloads_and_is_logged(manager_client, manager):
    subscriber = make_subscriber(email="ada@example.org")
    response = export(manager_client, subscriber)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "ada@example.org" in response.content.decode()
    event = AuditEvent.objects.get(kind=Kind.DOWNLOAD)
    assert (event.user, event.actor, event.detail) == (manager, manager, "subscribers CSV")


def test_an_export_with_an_old_factor_asks_for_a_code_first(manager_client, settings):
    settings.STAFF_2FA_FRESH_SECONDS = 600
    subscriber = make_subscriber(email="ada@example.org")
    factor_given_minutes_ago(manager_client, 11)
    response = export(manager_client, subscriber)
    assert response.status_code == 403
    html = response.content.decode()
    assert "ada@example.org" not in html and "confirm it is you" in html.lower()
    assert f'name="_selected_action" value="{subscriber.pk}"' in html
    assert 'name="action" value="export_csv"' in html
    assert not AuditEvent.objects.filter(kind=Kind.DOWNLOAD).exists()
    factor_given_minutes_ago(manager_client, 9)
    assert export(manager_client, subscriber).status_code == 200


def test_the_confirmation_page_resubmits_the_export_with_the_code_and_downloads_at_once(
    manager_client, manager
):
    subscriber = make_subscriber(email="ada@example.org")
    factor_given_minutes_ago(manager_client, 60)
    code = totp_code(authenticator_for(manager))
    response = export(manager_client, subscriber, **{"_fresh_factor": "POST", "fresh-code": code})
    assert response.status_code == 200 and "ada@example.org" in response.content.decode()
    assert AuditEvent.objects.filter(kind=Kind.DOWNLOAD, user=manager).count() == 1
    assert export(manager_client, subscriber).status_code == 200  # fresh now


def test_a_recovery_code_confirms_too_and_is_used_up(manager_client, manager):
    subscriber = make_subscriber()
    code = recovery_codes_issue(user=manager)[0]
    manager_client.force_login(manager)  # the first codes ended the session: sign in again
    factor_given_minutes_ago(manager_client, 60)
    extra = {"_fresh_factor": "POST", "fresh-code": code}
    assert export(manager_client, subscriber, **extra).status_code == 200
    factor_given_minutes_ago(manager_client, 60)
    assert export(manager_client, subscriber, **extra).status_code == 400


def test_a_wrong_code_downloads_nothing_and_counts_towards_the_lockout(manager_client, settings):
    settings.LOGIN_FAILURES_PER_USER = 2
    subscriber = make_subscriber(email="ada@example.org")
    factor_given_minutes_ago(manager_client, 60)
    extra = {"_fresh_factor": "POST", "fresh-code": "000000"}
    first = export(manager_client, subscriber, **extra)
    assert first.status_code == 400 and "ada@example.org" not in first.content.decode()
    assert export(manager_client, subscriber, **extra).status_code == 429
    assert not AuditEvent.objects.filter(kind=Kind.DOWNLOAD).exists()


@pytest.mark.urls("tests.staff.urls_fresh")
@pytest.mark.parametrize("url", ["/test-download/", "/test-download-view/"])
def test_a_guarded_get_download_asks_then_redirects_to_itself(manager_client, manager, url):
    factor_given_minutes_ago(manager_client, 60)
    page = manager_client.get(url)
    assert page.status_code == 403 and 'name="_fresh_factor" value="GET"' in page.content.decode()
    code = totp_code(authenticator_for(manager))
    response = manager_client.post(url, {"_fresh_factor": "GET", "fresh-code": code})
    assert response.status_code == 302 and response["Location"] == url
    download = manager_client.get(url)
    assert download.status_code == 200 and download.content == b"name,address\n"
    assert AuditEvent.objects.filter(kind=Kind.DOWNLOAD, detail__startswith="test list").count() == 1


def test_without_any_second_factor_the_page_says_to_set_one_up(settings):
    settings.STAFF_2FA_REQUIRED = False
    client = Client()
    client.force_login(make_manager())
    response = export(client, make_subscriber())
    assert response.status_code == 403
    assert "/admin/two-factor/enrol/" in response.content.decode()
