"""The public pages: subscribe, check your inbox, confirm, unsubscribe."""

import pytest
from django.core import signing
from django.test import Client
from django.utils import translation

from subscriptions.models import Subscriber
from subscriptions.tokens import confirm_token_make, unsubscribe_token_make
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db
Status = Subscriber.Status
SUBSCRIBE = "/en/subscribe/"
CHECK_INBOX = "/en/subscribe/check-inbox/"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST to the subscribe page, running what the view queued for after the commit."""

    def run(data, path=SUBSCRIBE, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data, **extra)

    return run


def confirm_url(subscriber, language="en"):
    return f"/{language}/subscribe/confirm/{confirm_token_make(subscriber)}/"


def flip(token, index):
    """`token` with one character changed."""
    index %= len(token)
    return token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]


def unsubscribe_url(subscriber, language="en"):
    return f"/{language}/unsubscribe/{unsubscribe_token_make(subscriber)}/"


# Subscribing


def test_the_subscribe_page_shows_the_form_with_labels(client):
    response = client.get(SUBSCRIBE)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_email"' in html and '<label for="id_language"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "subscribe-box-email" not in html  # the sidebar box is not repeated beside the form


def test_the_sidebar_box_has_a_labelled_email_field_a_language_choice_and_a_csrf_token(client):
    html = client.get("/ru/").content.decode()
    assert '<label for="subscribe-box-email">' in html
    assert '<select id="subscribe-box-language" name="language">' in html
    assert '<option value="ru" lang="ru" selected>' in html
    assert 'action="/ru/subscribe/"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_new_address_is_told_to_check_the_inbox_and_gets_a_confirmation_letter(post, client, mailoutbox):
    response = post({"email": "Reader@Example.org", "language": "en"})
    assert response.status_code == 302 and response["Location"] == CHECK_INBOX
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.language, subscriber.status) == (
        "Reader@example.org",
        "en",
        "pending",
    )
    assert [message.to for message in mailoutbox] == [["Reader@example.org"]]
    assert "/en/subscribe/confirm/" in mailoutbox[0].body
    assert client.get(CHECK_INBOX).status_code == 200


def test_without_a_language_choice_the_letters_come_in_the_pages_language(post):
    post({"email": "reader@example.org"}, path="/ru/subscribe/")
    assert Subscriber.objects.get().language == "ru"


@pytest.mark.parametrize("state", ["new", "pending", "confirmed", "unsubscribed", "honeypot"])
def test_the_answer_is_the_same_whatever_the_address_state(post, client, state):
    if state in {"pending", "confirmed", "unsubscribed"}:
        make_subscriber(email="reader@example.org", status=state)
    data = {"email": "reader@example.org", "language": "uz"}
    if state == "honeypot":
        data["website"] = "http://spam.example"
    response = post(data)
    assert (response.status_code, response["Location"], response.content) == (302, CHECK_INBOX, b"")
    assert set(response.cookies) <= {"csrftoken"}
    assert client.get(response["Location"]).content == client.get(CHECK_INBOX).content


def test_a_filled_honeypot_creates_nothing_and_sends_nothing(post, mailoutbox):
    post({"email": "reader@example.org", "website": "spam"})
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_an_uppercase_variant_of_a_known_address_creates_no_duplicate(post, mailoutbox):
    make_subscriber(email="reader@example.org")
    post({"email": "READER@EXAMPLE.ORG"})
    post({"email": "Reader@Example.Org"})
    assert Subscriber.objects.count() == 1 and mailoutbox == []


def test_a_unicode_domain_is_stored_in_its_ascii_form(post):
    post({"email": "reader@пример.рф"})
    assert Subscriber.objects.get().email == "reader@xn--e1afmkfd.xn--p1ai"


@pytest.mark.parametrize(
    "data",
    [
        {"email": ""},
        {"email": "not-an-address"},
        {"email": "read er@example.org"},
        {"email": "reader@example.org\r\nBcc: victim@example.org"},
        {"email": "reader@example.org\nSubject: hi"},
        {"email": "a" * 250 + "@example.org"},
        {"email": "читатель@example.org"},
        {"email": "reader@example.org", "language": "de"},
        {"email": "reader@example.org", "language": "uz\r\nBcc: x@example.org"},
    ],
)
def test_bad_input_gets_the_form_again_with_errors_and_a_400(post, mailoutbox, data):
    response = post(data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_the_subscribe_form_refuses_a_post_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(SUBSCRIBE, {"email": "reader@example.org"})
    assert response.status_code == 403
    assert not Subscriber.objects.exists()


def test_the_subscribe_endpoint_accepts_only_get_and_post(client):
    assert client.put(SUBSCRIBE).status_code == 405


def test_too_many_requests_from_one_address_get_a_429_with_a_clear_message(post, settings):
    settings.SUBSCRIPTIONS_SUBSCRIBE_LIMIT = 3
    for n in range(3):
        assert post({"email": f"reader{n}@example.org"}, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = post({"email": "reader9@example.org"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.SUBSCRIPTIONS_SUBSCRIBE_WINDOW)
    assert "Too many subscription requests" in response.content.decode()
    assert not Subscriber.objects.filter(email="reader9@example.org").exists()
    assert post({"email": "reader9@example.org"}, REMOTE_ADDR="203.0.113.8").status_code == 302


# Confirming


def test_opening_the_confirmation_link_confirms_and_says_so(client):
    subscriber = make_subscriber(status=Status.PENDING, language="ru")
    response = client.get(confirm_url(subscriber, "ru"))
    assert response.status_code == 200
    with translation.override("ru"):
        said = translation.gettext("Subscription confirmed")
    assert said != "Subscription confirmed" and said in response.content.decode()  # in the reader's language
    subscriber.refresh_from_db()
    assert subscriber.status == Status.CONFIRMED and subscriber.confirmed_at


def test_opening_the_confirmation_link_again_changes_nothing(client):
    subscriber = make_subscriber(status=Status.PENDING)
    url = confirm_url(subscriber)
    client.get(url)
    subscriber.refresh_from_db()
    first = subscriber.confirmed_at
    assert client.get(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == first


def test_token_pages_are_never_cached(client):
    subscriber = make_subscriber(status=Status.PENDING)
    for url in (confirm_url(subscriber), unsubscribe_url(subscriber)):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_an_expired_confirmation_link_gets_a_clear_page_and_changes_nothing(client, monkeypatch, settings):
    subscriber = make_subscriber(status=Status.PENDING)
    url = confirm_url(subscriber)
    later = signing.time.time() + settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.get(url)
    assert response.status_code == 400
    assert "Link invalid or expired" in response.content.decode()
    assert Subscriber.objects.get().status == Status.PENDING


@pytest.mark.parametrize(
    "make_token",
    [
        lambda s: flip(confirm_token_make(s), -1),  # altered signature
        lambda s: flip(confirm_token_make(s), 4),  # altered payload
        lambda s: signing.dumps([s.pk, s.email], salt="another.purpose"),
        lambda s: signing.dumps([s.pk, s.email], salt="subscriptions.confirm", key="not-our-secret"),
        unsubscribe_token_make,  # a token made for another purpose
        lambda s: "garbage",
        lambda s: "%00%0d%0aSet-Cookie:x=1",
        lambda s: "a" * 3000,
    ],
)
def test_a_forged_or_altered_confirmation_link_changes_nothing(client, make_token):
    subscriber = make_subscriber(status=Status.PENDING)
    response = client.get(f"/en/subscribe/confirm/{make_token(subscriber)}/")
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers.get("x", "") and "x" not in response.cookies
    assert Subscriber.objects.get().status == Status.PENDING


def test_a_confirmation_link_does_not_work_for_another_address_of_the_same_row(client):
    subscriber = make_subscriber(status=Status.PENDING, email="old@example.org")
    url = confirm_url(subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="new@example.org")
    assert client.get(url).status_code == 400
    assert Subscriber.objects.get().status == Status.PENDING


def test_an_old_confirmation_link_cannot_resubscribe_someone_who_unsubscribed(client):
    subscriber = make_subscriber(status=Status.PENDING)
    url = confirm_url(subscriber)
    client.post(unsubscribe_url(subscriber))
    assert client.get(url).status_code == 400
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED


# Unsubscribing


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(client):
    subscriber = make_subscriber()
    response = client.get(unsubscribe_url(subscriber))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post">' in html and subscriber.email in html
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_the_one_click_post_of_a_mail_client_unsubscribes_without_cookies_or_csrf_token():
    subscriber = make_subscriber()
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Status.UNSUBSCRIBED and subscriber.unsubscribed_at


def test_the_unsubscribe_button_unsubscribes_and_a_second_click_just_says_so(client):
    subscriber = make_subscriber()
    url = unsubscribe_url(subscriber)
    assert "You are unsubscribed" in client.post(url).content.decode()
    subscriber.refresh_from_db()
    unsubscribed_at = subscriber.unsubscribed_at
    response = client.post(url)
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == unsubscribed_at
    assert "You are unsubscribed" in client.get(url).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_confirmation_token_cannot_unsubscribe(method):
    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(f"/en/unsubscribe/{confirm_token_make(subscriber)}/")
    assert response.status_code == 400
    assert "Link invalid or expired" in response.content.decode()
    assert Subscriber.objects.get().status == Status.CONFIRMED


@pytest.mark.parametrize("token", ["garbage", "x:y:z", "WzEsImFAYi5jIl0:1abc:" + "A" * 43])
def test_a_forged_unsubscribe_token_changes_nothing(token):
    make_subscriber()
    response = Client(enforce_csrf_checks=True).post(f"/en/unsubscribe/{token}/")
    assert response.status_code == 400
    assert Subscriber.objects.get().status == Status.CONFIRMED


def test_an_unsubscribe_link_keeps_working_after_the_address_subscribes_again(client, post):
    subscriber = make_subscriber(email="reader@example.org")
    old_link = unsubscribe_url(subscriber)
    client.post(old_link)
    post({"email": "reader@example.org"})
    client.get(confirm_url(Subscriber.objects.get()))
    assert Subscriber.objects.get().status == Status.CONFIRMED
    client.post(old_link)
    assert Subscriber.objects.get().status == Status.UNSUBSCRIBED
