"""The redeem page: a signed-in reader types (or scans) a code and reads that issue whole."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from issuecodes.models import Code, CodeBatch, Redemption
from issuecodes.services import batch_revoke
from readers.models import AccessGrant
from tests.factories import make_batch, make_issue, make_print_first, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

REDEEM = "/en/account/redeem/"


def redeem(client, code):
    return client.post(REDEEM, {"code": code})


def test_the_page_is_where_the_links_point():
    assert reverse("issuecodes:redeem") == REDEEM


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_with_the_code(client):
    response = client.get(f"{REDEEM}?code=K7M2P-XQ9RT")
    assert response.status_code == 302
    assert (
        response["Location"] == "/en/account/sign-in/?next=%2Fen%2Faccount%2Fredeem%2F%3Fcode%3DK7M2P-XQ9RT"
    )


def test_the_code_of_the_link_fills_the_form_escaped(reader_client):
    response = reader_client.get(f"{REDEEM}?code=K7M2P-XQ9RT")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert 'value="K7M2P-XQ9RT"' in response.content.decode()
    html = reader_client.get(REDEEM, {"code": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in html and "&quot;&gt;&lt;script&gt;" in html


def test_a_code_opens_its_issue_and_says_so(reader_client, reader):
    batch, codes = make_batch(access_days=30)
    before = timezone.now()
    response = redeem(reader_client, codes[0].lower().replace("-", " "))
    assert response.status_code == 302 and response["Location"] == batch.issue.get_absolute_url()
    grant = AccessGrant.objects.get(reader=reader)
    assert grant.reason == AccessGrant.Reason.CODE and grant.scope == AccessGrant.Scope.ISSUES
    assert list(grant.issues.all()) == [batch.issue] and grant.source == Code.objects.get(
        last_four=codes[0][-4:]
    )
    assert before + timedelta(days=30) <= grant.ends_at <= timezone.now() + timedelta(days=30)
    redemption = Redemption.objects.get()
    assert redemption.reader == reader and redemption.grant == grant and redemption.code.redemptions == 1
    page = reader_client.get(response["Location"]).content.decode()
    assert f"The code is accepted: issue {batch.issue.label} is open to you in full until" in page


def test_a_code_of_a_batch_without_days_gives_access_for_good(reader_client, reader):
    _batch, codes = make_batch()
    redeem(reader_client, codes[1])
    assert AccessGrant.objects.get(reader=reader).ends_at is None


def test_the_reader_then_reads_that_issue_whole_but_another_issue_stays_cut(reader_client):
    batch, codes = make_batch()
    opened = make_print_first(issue=batch.issue)
    other = make_print_first(issue=make_issue())
    assert "HIDDENMARKER" not in reader_client.get(opened.get_absolute_url()).content.decode()
    redeem(reader_client, codes[0])
    assert "HIDDENMARKER" in reader_client.get(opened.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" not in reader_client.get(other.get_absolute_url()).content.decode()


def assert_refused(response, message):
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert message in html.replace("&#x27;", "'"), html


def test_the_same_reader_twice_is_told_and_nothing_changes(reader_client, reader):
    _batch, codes = make_batch(kind=CodeBatch.Kind.SHARED, count=5)
    redeem(reader_client, codes[0])
    assert_refused(redeem(reader_client, codes[0]), "You have already redeemed this code")
    assert AccessGrant.objects.count() == 1 and Code.objects.get().redemptions == 1


def test_a_used_single_use_code_is_refused_to_another_reader(client, reader_client):
    _batch, codes = make_batch()
    redeem(reader_client, codes[0])
    other = sign_in_as(client.__class__(), make_reader())
    assert_refused(redeem(other, codes[0]), "already been used as many times as it allows")
    assert AccessGrant.objects.count() == 1


def test_a_shared_code_serves_up_to_its_limit(client):
    _batch, codes = make_batch(kind=CodeBatch.Kind.SHARED, count=2)
    assert len(codes) == 1
    for _ in range(2):
        assert redeem(sign_in_as(client.__class__(), make_reader()), codes[0]).status_code == 302
    assert_refused(redeem(sign_in_as(client.__class__(), make_reader()), codes[0]), "already been used")
    assert Code.objects.get().redemptions == 2 and AccessGrant.objects.count() == 2


def test_a_revoked_code_is_refused_and_grants_made_before_stay(client, reader_client):
    batch, codes = make_batch()
    redeem(reader_client, codes[0])
    batch_revoke(batch=batch)
    other = sign_in_as(client.__class__(), make_reader())
    assert_refused(redeem(other, codes[1]), "withdrawn by the editorial office")
    assert AccessGrant.objects.live().count() == 1


@pytest.mark.parametrize(
    "typed, message",
    [
        ("ABCDE-FGHJK", "There is no such code"),
        ("ABCDE-FGHJ0", "Codes never contain the characters 0, O, 1, I or L (you typed 0)"),
        ("ABCDE", "A code has 10 characters (you typed 5)"),
        ("", "This field is required"),
        ("x" * 41, "at most 40 characters"),
    ],
)
def test_an_unknown_or_malformed_code_is_refused_with_its_reason(reader_client, typed, message):
    make_batch()
    assert_refused(redeem(reader_client, typed), message)
    assert not AccessGrant.objects.exists() and not Redemption.objects.exists()


def test_too_many_tries_by_one_reader_are_stopped_with_429(reader_client, settings):
    settings.ISSUECODES_TRIES_PER_READER = 3
    _batch, codes = make_batch()
    for _ in range(3):
        assert redeem(reader_client, "ABCDE-FGHJK").status_code == 400
    response = redeem(reader_client, codes[0])
    assert response.status_code == 429 and "Too many codes were tried" in response.content.decode()
    assert response["Retry-After"] == str(settings.ISSUECODES_TRIES_WINDOW)
    assert not AccessGrant.objects.exists()


def test_too_many_tries_from_one_address_are_stopped_with_429_whoever_signs_in(client, settings):
    settings.ISSUECODES_TRIES_PER_IP = 2
    for _ in range(2):
        assert redeem(sign_in_as(client.__class__(), make_reader()), "ABCDE-FGHJK").status_code == 400
    assert redeem(sign_in_as(client.__class__(), make_reader()), "ABCDE-FGHJK").status_code == 429


def test_a_form_without_csrf_token_is_refused(reader):
    from django.test import Client

    strict = sign_in_as(Client(enforce_csrf_checks=True), reader)
    assert strict.post(REDEEM, {"code": "ABCDE-FGHJK"}).status_code == 403


def test_other_methods_are_refused(reader_client):
    assert reader_client.put(REDEEM).status_code == 405


def test_the_paywall_note_offers_the_code_to_everyone(client):
    article = make_print_first(issue=make_issue())
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'Have a code from the printed issue? <a href="{REDEEM}">Enter it</a>' in html


def test_a_code_of_an_issue_not_yet_published_leads_to_the_account(reader_client, reader):
    _batch, codes = make_batch(issue=make_issue(is_published=False))
    response = redeem(reader_client, codes[0])
    assert response.status_code == 302 and response["Location"] == reverse("readers:account")
    assert AccessGrant.objects.filter(reader=reader).exists()


def test_signing_in_from_the_redeem_link_comes_back_to_the_filled_form(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.readers.helpers import letter_link

    response = client.get(f"{REDEEM}?code=K7M2P-XQ9RT")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"email": "new@example.org"})
    link = letter_link(mailoutbox[-1])
    back = client.post(link)
    assert back.status_code == 302 and back["Location"] == f"{REDEEM}?code=K7M2P-XQ9RT"
    assert 'value="K7M2P-XQ9RT"' in client.get(back["Location"]).content.decode()


def test_deleting_the_reader_removes_their_redemptions_and_the_code_stays_used(reader_client, reader):
    from readers.services import reader_delete

    _batch, codes = make_batch()
    redeem(reader_client, codes[0])
    reader_delete(reader=reader)
    assert not Redemption.objects.exists() and not AccessGrant.objects.exists()
    assert Code.objects.get(last_four=codes[0][-4:]).redemptions == 1
