"""The announcement's admin page: preview per language, a test to oneself, sending confirmed with N."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from outbox.models import Letter
from subscriptions.models import Delivery
from tests.factories import (
    make_announcement,
    make_article,
    make_editor,
    make_issue,
    make_subscriber,
    make_user,
)

pytestmark = pytest.mark.django_db
ANNOUNCEMENTS = "/admin/subscriptions/announcement/"


def page_url(announcement, tail=""):
    return f"{ANNOUNCEMENTS}{announcement.pk}/{tail}"


@pytest.fixture
def announcement(db):
    issue = make_issue(theme="Water", theme_ru="Вода")
    make_article(issue=issue, title="Rivers that connect", language="uz")
    make_article(issue=issue, title="Реки, которые связывают", language="ru")
    return make_announcement(issue=issue)


@pytest.fixture
def editor_with_email(client):
    editor = make_editor(email="lola@example.org")
    client.force_login(editor)
    return client


def confirm_data(client, announcement):
    html = client.get(page_url(announcement, "send/")).content.decode()
    return {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1) for name in ("count", "key")}


def test_the_page_offers_preview_test_and_the_number_to_send_to(editor_with_email, announcement):
    make_subscriber(), make_subscriber(), make_subscriber(status="pending")
    html = editor_with_email.get(page_url(announcement, "change/")).content.decode()
    assert "Send to 2 subscribers…" in html
    assert "Send a test to me (lola@example.org)" in html
    for code in ("uz", "ru", "en"):
        assert page_url(announcement, f"preview/{code}/") in html
    assert "Not sent yet." in html


@pytest.mark.parametrize(
    "language, title", [("uz", "Rivers that connect"), ("ru", "Реки, которые связывают")]
)
def test_the_preview_is_the_letter_in_each_language(editor_with_email, announcement, language, title):
    response = editor_with_email.get(page_url(announcement, f"preview/{language}/"))
    html = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{language}">' in html and title in html
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # shown in a frame on the page itself
    assert "/unsubscribe/preview/" in html  # a link that unsubscribes nobody
    text = editor_with_email.get(page_url(announcement, f"preview/{language}/?format=text"))
    assert text["Content-Type"].startswith("text/plain") and title in text.content.decode()


def test_an_unknown_preview_language_is_not_found(editor_with_email, announcement):
    assert editor_with_email.get(page_url(announcement, "preview/de/")).status_code == 404


def test_a_test_goes_to_the_editor_alone_through_the_outbox(
    editor_with_email, announcement, mailoutbox, django_capture_on_commit_callbacks
):
    make_subscriber(email="reader@example.org")
    data = {"language": "ru", "key": "abc123"}
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_with_email.post(page_url(announcement, "test/"), data, follow=True)
        editor_with_email.post(page_url(announcement, "test/"), data)  # a double click
    assert "A test letter in Russian is on its way to lola@example.org." in response.content.decode()
    [letter] = mailoutbox
    assert letter.to == ["lola@example.org"] and letter.subject.startswith("[Test] ")
    assert "Реки, которые связывают" in letter.body
    assert Letter.objects.get().kind == Letter.Kind.TEST and not Delivery.objects.exists()


def test_a_test_needs_an_address_on_the_account(editor_client, announcement):
    response = editor_client.post(
        page_url(announcement, "test/"), {"language": "uz", "key": "k1"}, follow=True
    )
    assert "Your account has no email address" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.parametrize("data", [{"language": "xx", "key": "k1"}, {"language": "uz", "key": "<b>"}, {}])
def test_a_damaged_test_form_sends_nothing(editor_with_email, announcement, data):
    response = editor_with_email.post(page_url(announcement, "test/"), data, follow=True)
    assert "damaged" in response.content.decode() and not Letter.objects.exists()


def test_sending_asks_for_confirmation_with_the_number(editor_client, announcement, mailoutbox):
    for _ in range(3):
        make_subscriber()
    response = editor_client.get(page_url(announcement, "send/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Send to 3 subscribers"' in html and "3 confirmed subscribers" in html
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_confirming_sends_in_the_background_and_the_page_follows(
    editor_client, announcement, settings, task_queue, mailoutbox
):
    settings.SUBSCRIPTIONS_SEND_RATE = 0
    make_subscriber(), make_subscriber()
    response = editor_client.post(page_url(announcement, "send/"), confirm_data(editor_client, announcement))
    assert response.status_code == 302 and response.url == page_url(announcement, "change/")
    assert mailoutbox == []  # nothing sent inside the editor's request
    assert editor_client.get(page_url(announcement, "progress/")).json() == {
        "sent": 0,
        "failed": 0,
        "pending": 0,
        "total": 0,
        "started": False,
        "finished": False,
    }
    assert task_queue.run() == 1
    progress = editor_client.get(page_url(announcement, "progress/")).json()
    assert progress == {"sent": 2, "failed": 0, "pending": 0, "total": 2, "started": True, "finished": True}
    html = editor_client.get(page_url(announcement, "change/")).content.decode()
    assert "Sent: 2 of 2." in html and "Every confirmed subscriber has received it." in html


def test_a_number_changed_since_the_confirmation_page_asks_again(editor_client, announcement, mailoutbox):
    make_subscriber()
    data = confirm_data(editor_client, announcement)
    make_subscriber()  # someone confirms meanwhile
    response = editor_client.post(page_url(announcement, "send/"), data)
    html = response.content.decode()
    assert response.status_code == 409 and "it is now 2" in html and 'value="Send to 2 subscribers"' in html
    assert mailoutbox == [] and not Delivery.objects.exists()


def test_the_same_confirmation_posted_twice_starts_one_sending(
    editor_client, announcement, settings, task_queue
):
    make_subscriber()
    data = confirm_data(editor_client, announcement)
    editor_client.post(page_url(announcement, "send/"), data)
    response = editor_client.post(page_url(announcement, "send/"), data, follow=True)
    assert "This sending has already started." in response.content.decode()
    assert len(task_queue.waiting()) == 1


@pytest.mark.parametrize("data", [{}, {"count": "x", "key": "k"}, {"count": "1", "key": "a b"}])
def test_a_damaged_confirmation_sends_nothing(editor_client, announcement, data, task_queue):
    make_subscriber()
    response = editor_client.post(page_url(announcement, "send/"), data, follow=True)
    assert "damaged" in response.content.decode() and task_queue.waiting() == []


def test_nobody_left_to_send_to_is_said_plainly(editor_client, announcement):
    response = editor_client.post(page_url(announcement, "send/"), {"count": "0", "key": "k2"}, follow=True)
    assert "nobody to send to" in response.content.decode()


def test_editors_see_how_many_but_never_who(editor_with_email, announcement, settings):
    settings.SUBSCRIPTIONS_SEND_RATE = 0
    subscriber = make_subscriber(email="secret-reader@example.org")
    pages = [
        editor_with_email.get(page_url(announcement, "change/")),
        editor_with_email.get(page_url(announcement, "send/")),
        editor_with_email.post(
            page_url(announcement, "send/"), confirm_data(editor_with_email, announcement)
        ),
        editor_with_email.get(page_url(announcement, "progress/")),
        editor_with_email.get(page_url(announcement, "change/")),
    ]
    assert Delivery.objects.get().subscriber == subscriber  # it was sent
    for response in pages:
        assert subscriber.email not in response.content.decode()


def test_staff_who_may_not_send_see_the_preview_but_cannot_send(client, announcement):
    viewer = make_user(is_staff=True, email="viewer@example.org")
    viewer.user_permissions.add(Permission.objects.get(codename="view_announcement"))
    client.force_login(viewer)
    make_subscriber()
    html = client.get(page_url(announcement, "change/")).content.decode()
    assert "preview/uz/" in html and "/send/" not in html and "Send a test" not in html
    assert client.get(page_url(announcement, "preview/uz/")).status_code == 200
    assert client.get(page_url(announcement, "send/")).status_code == 403
    assert client.post(page_url(announcement, "send/"), {"count": "1", "key": "k"}).status_code == 403
    assert client.post(page_url(announcement, "test/"), {"language": "uz", "key": "k"}).status_code == 403
    assert not Delivery.objects.exists() and not Letter.objects.exists()


def test_the_sending_forms_need_the_csrf_token(announcement):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor(email="lola@example.org"))
    make_subscriber()
    assert client.post(page_url(announcement, "send/"), {"count": "1", "key": "k"}).status_code == 403
    assert client.post(page_url(announcement, "test/"), {"language": "uz", "key": "k"}).status_code == 403
    assert not Delivery.objects.exists() and not Letter.objects.exists()


def test_a_missing_announcement_is_not_found(editor_client):
    for tail in ("preview/uz/", "send/", "progress/"):
        assert editor_client.get(f"{ANNOUNCEMENTS}999999/{tail}").status_code == 404


def test_wrong_methods_are_refused(editor_client, announcement):
    assert editor_client.get(page_url(announcement, "test/")).status_code == 405
    assert editor_client.post(page_url(announcement, "progress/")).status_code == 405
    assert editor_client.post(page_url(announcement, "preview/uz/")).status_code == 405
