"""The account page, signing out (here and everywhere), and deleting the account."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone, translation

from outbox.models import Letter
from outbox.services import letter_send
from readers.models import AccessGrant, Reader, SignInToken
from readers.sessions import SESSION_KEY
from subscriptions.models import Subscriber
from tests.factories import make_grant, make_issue, make_print_first, make_reader, make_subscriber, make_user
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ACCOUNT = "/en/account/"


def is_signed_in(client):
    return client.get(ACCOUNT).status_code == 200


# The page


def test_the_account_page_needs_a_signed_in_reader(client):
    response = client.get(ACCOUNT)
    assert (
        response.status_code == 302 and response["Location"] == "/en/account/sign-in/?next=%2Fen%2Faccount%2F"
    )


def test_a_staff_sign_in_is_not_a_reader_sign_in(client, editor):
    client.force_login(editor)
    assert client.get(ACCOUNT).status_code == 302


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_account_page_shows_the_address_what_may_be_read_and_until_when(reader_client, reader, language):
    issue = make_issue(year=2026, number_first=2)
    make_grant(
        reader=reader,
        issues=[issue],
        reason=AccessGrant.Reason.CODE,
        ends_at=timezone.make_aware(timezone.datetime(2027, 1, 1)),
    )
    make_grant(  # over: not shown
        reader=reader,
        starts_at=timezone.now() - timedelta(days=9),
        ends_at=timezone.now() - timedelta(days=1),
    )
    html = reader_client.get(f"/{language}/account/").content.decode()
    assert "dilnoza@example.uz" in html and "2/2026" in html and "31.12.2026" in html
    with translation.override(language):
        assert translation.gettext("What you may read") in html
        assert translation.gettext("Code from an issue") in html
    assert html.count("<li>") - html.count("<li><a") >= 1


def test_the_account_page_without_grants_says_so(reader_client):
    assert "has no access to print-first articles" in reader_client.get(ACCOUNT).content.decode()


def test_the_account_page_costs_a_fixed_number_of_queries(
    reader_client, reader, django_assert_max_num_queries
):
    """The grants with their issues (2), the newsletter (1) and the linked print subscriptions (1,
    printsubscribers), for 1 or 20 grants; the session and the reader come from the shared cache."""
    for _ in range(20):
        make_grant(reader=reader, issues=[make_issue(), make_issue()])
    reader_client.get(ACCOUNT)  # the layout's shared pieces are kept from the first page on
    with django_assert_max_num_queries(4):
        assert reader_client.get(ACCOUNT).status_code == 200


def test_the_account_page_is_never_cached_by_anyone(reader_client):
    response = reader_client.get(ACCOUNT)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_language_is_saved_and_the_account_follows_it(reader_client, reader):
    response = reader_client.post("/en/account/language/", {"language": "ru"})
    assert response["Location"] == "/ru/account/"
    reader.refresh_from_db()
    assert reader.language == "ru"


@pytest.mark.parametrize("value", ["", "de", "x" * 500])
def test_a_language_not_offered_changes_nothing(reader_client, reader, value):
    reader_client.post("/en/account/language/", {"language": value})
    reader.refresh_from_db()
    assert reader.language == "en"


# The newsletter: the subscriber of the same address, never a second one


def test_subscribing_from_the_account_confirms_the_proven_address_at_once(reader_client, reader, mailoutbox):
    reader_client.post("/en/account/newsletter/", {"action": "subscribe"})
    subscriber = Subscriber.objects.get()
    assert subscriber.email == reader.email and subscriber.is_confirmed and mailoutbox == []
    assert "You receive a letter when a new issue comes out." in reader_client.get(ACCOUNT).content.decode()


def test_the_newsletter_is_the_existing_subscriber_of_the_address(reader_client, reader):
    make_subscriber(email="Dilnoza@Example.uz", status=Subscriber.Status.PENDING)
    reader_client.post("/en/account/newsletter/", {"action": "subscribe"})
    assert Subscriber.objects.count() == 1 and Subscriber.objects.get().is_confirmed
    reader_client.post("/en/account/newsletter/", {"action": "unsubscribe"})
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    assert "Get one letter when a new issue comes out" in reader_client.get(ACCOUNT).content.decode()


def test_a_newsletter_request_without_a_choice_changes_nothing(reader_client):
    reader_client.post("/en/account/newsletter/", {"action": "something"})
    assert not Subscriber.objects.exists()


# Signing out


def test_signing_out_ends_this_browser_only(reader_client, reader):
    other = sign_in_as(Client(), reader)
    assert reader_client.post("/en/account/sign-out/")["Location"] == "/en/"
    assert not is_signed_in(reader_client) and is_signed_in(other)


def test_signing_out_leaves_a_staff_sign_in_alone(client, reader, editor):
    client.force_login(editor)
    sign_in_as(client, reader)
    client.post("/en/account/sign-out/")
    assert client.get("/admin/").status_code == 200


def test_signing_out_everywhere_ends_every_session_at_its_next_request(reader_client, reader):
    phone, laptop = sign_in_as(Client(), reader), sign_in_as(Client(), reader)
    reader_client.post("/en/account/sign-out-everywhere/")
    assert not any(is_signed_in(each) for each in (reader_client, phone, laptop))
    # A new sign-in afterwards works (a new generation).
    assert is_signed_in(sign_in_as(Client(), Reader.objects.get(pk=reader.pk)))


def test_an_ended_session_reads_the_excerpt_again(reader_client, reader):
    article = make_print_first()
    make_grant(reader=reader)
    phone = sign_in_as(Client(), reader)
    assert "HIDDENMARKER" in phone.get(article.get_absolute_url()).content.decode()
    reader_client.post("/en/account/sign-out-everywhere/")
    assert "HIDDENMARKER" not in phone.get(article.get_absolute_url()).content.decode()
    assert SESSION_KEY not in phone.session


@pytest.mark.parametrize(
    "path", ["/en/account/sign-out/", "/en/account/sign-out-everywhere/", "/en/account/delete/"]
)
def test_signing_out_and_deleting_need_a_post_with_a_csrf_token(reader, path):
    reader_client = sign_in_as(Client(enforce_csrf_checks=True), reader)
    assert reader_client.post(path).status_code == 403
    assert is_signed_in(reader_client) and Reader.objects.filter(pk=reader.pk).exists()


def test_a_reader_never_reaches_the_admin(reader_client):
    for path in ("/admin/", "/admin/readers/reader/", "/admin/articles/article/"):
        response = reader_client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# Deleting the account


def test_deleting_asks_first(reader_client, reader):
    html = reader_client.get("/en/account/delete/").content.decode()
    assert "cannot be undone" in html and Reader.objects.filter(pk=reader.pk).exists()


def test_deleting_removes_the_personal_data_at_once(reader_client, reader):
    make_grant(reader=reader)
    make_subscriber(email=reader.email)
    SignInToken.objects.create(
        email=reader.email,
        link_digest="x" * 64,
        code_digest="y" * 64,
        language="en",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    LogEntry.objects.log_actions(
        user_id=make_user(is_staff=True).pk, queryset=[reader], action_flag=ADDITION, single_object=True
    )
    letter_send(to=reader.email, subject="Sign in", body="…", kind=Letter.Kind.SIGN_IN)
    letter_send(to="someone.else@example.org", subject="Sign in", body="…", kind=Letter.Kind.SIGN_IN)
    phone = sign_in_as(Client(), reader)
    response = reader_client.post("/en/account/delete/")
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert not Reader.objects.exists() and not AccessGrant.objects.exists()
    assert not SignInToken.objects.exists() and not Subscriber.objects.exists()
    assert list(Letter.objects.values_list("to", flat=True)) == ["someone.else@example.org"]
    log = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Reader))
    assert reader.email not in log.object_repr
    assert not is_signed_in(reader_client) and not is_signed_in(phone)


def test_deleting_leaves_other_readers_alone(reader_client, reader):
    other = make_reader()
    make_grant(reader=other)
    make_subscriber(email=other.email)
    reader_client.post("/en/account/delete/")
    assert (
        list(Reader.objects.all()) == [other]
        and AccessGrant.objects.count() == Subscriber.objects.count() == 1
    )
