"""The activation page, linking at sign-in, the account page, the way in and the dashboard panel."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from printsubscribers.models import PrintSubscription
from printsubscribers.services import subscription_link
from readers.access import may_read_full
from readers.cached import reader_with_grants
from readers.models import AccessGrant
from tests.factories import make_manager, make_print_first, make_reader, make_subscription, make_user
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ACTIVATE = "/en/account/print-subscription/"
WRONG = "The subscriber number and the postal code do not match."


@pytest.fixture
def subscription():
    today = timezone.localdate()
    return make_subscription(
        number="1042",
        postal_code="100017",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=200),
    )


def test_the_page_needs_a_signed_in_reader(client):
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/sign-in/?next=%2Fen%2Faccount%2Fprint-subscription%2F"


def test_the_page_shows_the_form(reader_client):
    response = reader_client.get(ACTIVATE)
    assert response.status_code == 200 and 'name="postal_code"' in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_a_matching_pair_links_the_subscription_and_opens_the_articles(reader_client, reader, subscription):
    article = make_print_first()
    response = reader_client.post(ACTIVATE, {"number": " 1042 ", "postal_code": "100 017"})
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    subscription.refresh_from_db()
    assert subscription.reader == reader and subscription.linked_at is not None
    grant = AccessGrant.objects.get(reader=reader)
    assert grant.reason == AccessGrant.Reason.PRINT_SUBSCRIPTION and grant.source == subscription
    assert grant.scope == AccessGrant.Scope.EVERYTHING and subscription.grant == grant
    page = reader_client.get("/en/account/").content.decode()
    assert "Subscription 1042, until" in page and "activated" in page
    assert may_read_full(article, reader_with_grants(reader.pk))
    assert "HIDDENMARKER" in reader_client.get(article.get_absolute_url()).content.decode()


def test_activating_again_makes_no_second_grant(reader_client, reader, subscription):
    reader_client.post(ACTIVATE, {"number": "1042", "postal_code": "100017"})
    reader_client.post(ACTIVATE, {"number": "1042", "postal_code": "100017"})
    assert AccessGrant.objects.filter(reader=reader).count() == 1


@pytest.mark.parametrize(
    ("number", "postal_code"), [("1042", "999999"), ("9999", "100017"), ("9999", "999999")]
)
def test_a_wrong_pair_gets_one_message_whether_the_number_exists_or_not(
    reader_client, subscription, number, postal_code
):
    response = reader_client.post(ACTIVATE, {"number": number, "postal_code": postal_code})
    assert response.status_code == 400 and WRONG in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_a_subscription_linked_to_another_account_says_so(reader_client, subscription):
    subscription_link(subscription=subscription, reader=make_reader())
    response = reader_client.post(ACTIVATE, {"number": "1042", "postal_code": "100017"})
    assert response.status_code == 400
    assert "already linked to another account" in response.content.decode()
    assert AccessGrant.objects.count() == 1


@pytest.mark.parametrize(
    "data", [{}, {"number": "", "postal_code": ""}, {"number": "x" * 500, "postal_code": "1"}]
)
def test_bad_input_is_answered_with_the_form_and_a_400(reader_client, data):
    assert reader_client.post(ACTIVATE, data).status_code == 400


def test_wrong_pairs_are_limited_per_reader(reader_client, settings, subscription):
    settings.PRINTSUBS_ACTIVATE_PER_READER = 3
    for _ in range(3):
        assert reader_client.post(ACTIVATE, {"number": "1", "postal_code": "1"}).status_code == 400
    response = reader_client.post(ACTIVATE, {"number": "1", "postal_code": "1"})
    assert response.status_code == 429 and "Too many wrong" in response.content.decode()
    # Locked: even the right pair waits.
    assert reader_client.post(ACTIVATE, {"number": "1042", "postal_code": "100017"}).status_code == 429


def test_wrong_pairs_are_limited_per_ip_across_readers(client, settings):
    settings.PRINTSUBS_ACTIVATE_PER_IP = 2
    for _ in range(3):
        sign_in_as(client, make_reader())
        last = client.post(ACTIVATE, {"number": "1", "postal_code": "1"})
    assert last.status_code == 429
    sign_in_as(client, make_reader())
    assert client.post(ACTIVATE, {"number": "1", "postal_code": "1"}).status_code == 429


def test_the_page_answers_other_methods_with_405(reader_client):
    assert reader_client.put(ACTIVATE).status_code == 405


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_page_is_translated(reader_client, language):
    from django.utils import translation

    with translation.override(language):
        title = translation.gettext("Activate your print subscription")
    assert title != "Activate your print subscription"
    assert title in reader_client.get(f"/{language}/account/print-subscription/").content.decode()


# Linking at sign-in


def test_signing_in_links_the_subscriptions_listed_with_the_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.readers.helpers import letter_code

    subscription = make_subscription(email="dilnoza@example.uz")
    other = make_subscription(email="someone@example.uz")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/account/sign-in/", {"email": "Dilnoza@Example.UZ"})
    assert (
        client.post("/en/account/sign-in/check-inbox/", {"code": letter_code(mailoutbox[0])}).status_code
        == 302
    )
    subscription.refresh_from_db()
    other.refresh_from_db()
    assert subscription.reader.email == "dilnoza@example.uz" and other.reader is None
    assert AccessGrant.objects.get().source == subscription


def test_signing_in_leaves_a_subscription_linked_to_someone_else_alone(reader):
    from printsubscribers.services import subscriptions_link_by_email

    subscription = make_subscription(email=reader.email)
    someone = make_reader()
    subscription_link(subscription=subscription, reader=someone)
    assert subscriptions_link_by_email(reader=reader) == 0
    subscription.refresh_from_db()
    assert subscription.reader == someone


def test_an_unverified_address_links_nothing():
    from printsubscribers.services import subscriptions_link_by_email

    reader = make_reader(verified_at=None)
    make_subscription(email=reader.email)
    assert subscriptions_link_by_email(reader=reader) == 0


# The account page, the way in, the dashboard


def test_the_account_page_links_to_the_activation_page(reader_client):
    html = reader_client.get("/en/account/").content.decode()
    assert ACTIVATE in html and "Activate a print subscription" in html


def test_the_paywall_note_offers_the_activation(client):
    article = make_print_first()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Activate online reading" in html and ACTIVATE in html


def test_the_dashboard_panel_counts_subscriptions(client):
    today = timezone.localdate()
    linked = make_subscription(starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=10))
    subscription_link(subscription=linked, reader=make_reader())
    make_subscription(starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=100))
    make_subscription(starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31))
    client.force_login(make_manager())
    html = client.get("/admin/").content.decode()
    assert "Print subscriptions" in html and "print subscriptions in force" in html
    from printsubscribers.dashboard import print_subscriptions_panel

    class Request:
        user = make_user(is_superuser=True, is_staff=True)

    panel = print_subscriptions_panel(Request())
    values = [value for _, value, _ in panel["items"]]
    assert values[0] == 2 and values[1] == 1 and values[-2] == 1 and values[-1] == 1


def test_the_panel_is_hidden_from_those_who_may_not_see_the_list(editor_client):
    assert "print subscriptions in force" not in editor_client.get("/admin/").content.decode()


def test_postal_codes_are_stored_normalised():
    assert make_subscription(postal_code=" ab 12 ").postal_code == "AB12"
    assert PrintSubscription.objects.filter(postal_code="AB12").exists()


def test_a_grant_a_manager_revoked_is_not_given_again(reader_client, reader, subscription):
    from readers.services import grant_revoke

    linked = subscription_link(subscription=subscription, reader=reader)
    grant_revoke(grant=linked.grant)
    response = reader_client.post(ACTIVATE, {"number": "1042", "postal_code": "100017"})
    assert response.status_code == 400 and "was withdrawn" in response.content.decode()
    assert not AccessGrant.objects.live().exists() and AccessGrant.objects.count() == 1
