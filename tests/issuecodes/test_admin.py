"""Subscriber managers make batches of codes in the admin, get them once as a ZIP, and revoke them."""

import csv
import io
import zipfile
from urllib.parse import urlsplit

import pytest
from django.test import Client

from issuecodes.models import Code, CodeBatch
from readers.models import AccessGrant
from tests.factories import make_batch, make_issue, make_reader, make_user
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

ADD = "/admin/issuecodes/codebatch/add/"
LIST = "/admin/issuecodes/codebatch/"


def batch_form(issue, **overrides):
    return {
        "issue": issue.pk,
        "kind": "single_use",
        "count": "3",
        "access_days": "",
        "language": "uz",
    } | overrides


def read_zip(response):
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    rows = list(csv.DictReader(io.StringIO(archive.read("codes.csv").decode())))
    return archive, rows


def test_a_new_batch_answers_with_a_zip_of_codes_links_and_qr_codes(manager_client, manager, settings):
    issue = make_issue()
    response = manager_client.post(ADD, batch_form(issue, note="Kiosk copies"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="codes-')
    archive, rows = read_zip(response)
    assert len(rows) == 3
    for row in rows:
        assert row["url"] == f"{settings.SITE_URL}/uz/account/redeem/?code={row['code']}"
        assert archive.read(f"qr/{row['code']}.png").startswith(b"\x89PNG")
        assert b"<svg" in archive.read(f"qr/{row['code']}.svg")
    batch = CodeBatch.objects.get()
    assert batch.created_by == manager and batch.note == "Kiosk copies" and batch.codes.count() == 3
    stored = " ".join(Code.objects.values_list("code_hash", flat=True))
    assert not any(row["code"].replace("-", "") in stored for row in rows)  # only hashes are kept


def test_the_codes_of_the_zip_redeem_and_open_their_issue(manager_client):
    issue = make_issue()
    _archive, rows = read_zip(manager_client.post(ADD, batch_form(issue, language="en")))
    for row in rows:
        reader = make_reader()
        path = urlsplit(row["url"])
        page = sign_in_as(Client(), reader)
        assert row["code"] in page.get(f"{path.path}?{path.query}").content.decode()
        assert page.post(path.path, {"code": row["code"]}).status_code == 302
        assert AccessGrant.objects.get(reader=reader).issues.get() == issue


def test_a_shared_batch_makes_one_code_for_its_number_of_readers(manager_client):
    _archive, rows = read_zip(manager_client.post(ADD, batch_form(make_issue(), kind="shared", count="250")))
    assert len(rows) == 1 and Code.objects.get().max_redemptions == 250


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"count": "0"}, "Make at least one."),
        ({"count": "1001"}, "At most 1000 single-use codes in one batch"),
        ({"count": "abc"}, "Enter a whole number."),
        ({"access_days": "0"}, "Between 1 and 36500 days, or empty."),
        ({"issue": "999999"}, "Select a valid choice."),
        ({"kind": "many"}, "Select a valid choice."),
    ],
)
def test_a_wrong_batch_is_shown_again_with_its_error_and_makes_nothing(manager_client, overrides, message):
    response = manager_client.post(ADD, batch_form(make_issue()) | overrides)
    assert response.status_code == 200 and message in response.content.decode()
    assert not CodeBatch.objects.exists()


def test_the_list_shows_codes_and_redemptions_for_the_same_queries_with_more_batches(
    manager_client, django_assert_max_num_queries
):
    from issuecodes.services import code_redeem

    for _ in range(3):
        _batch, codes = make_batch()
        code_redeem(reader=make_reader(), text=codes[0])
    with django_assert_max_num_queries(12) as first:
        assert manager_client.get(LIST).status_code == 200
    for _ in range(10):
        make_batch()
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = manager_client.get(LIST)
    assert response.status_code == 200


def test_revoking_a_batch_revokes_its_codes_and_keeps_the_grants(manager_client):
    from issuecodes.services import code_redeem

    batch, codes = make_batch()
    code_redeem(reader=make_reader(), text=codes[0])
    response = manager_client.post(
        LIST, {"action": "revoke_selected", "_selected_action": [batch.pk]}, follow=True
    )
    assert "1 batch revoked." in response.content.decode()
    batch.refresh_from_db()
    assert batch.revoked_at is not None and not Code.objects.filter(revoked_at__isnull=True).exists()
    assert AccessGrant.objects.live().count() == 1


def test_the_batch_page_shows_codes_by_their_last_four_only_and_says_grants_stay(manager_client):
    batch, codes = make_batch()
    html = manager_client.get(f"{LIST}{batch.pk}/change/").content.decode()
    assert codes[0][-4:] in html and codes[0] not in html
    assert "Readers who redeemed them before keep their access" in html
    assert "Delete" not in html


def test_staff_without_the_role_cannot_open_batches(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(LIST).status_code == 403


def test_the_dashboard_counts_codes_redeemed_per_issue(manager_client):
    from issuecodes.services import code_redeem

    batch, codes = make_batch()
    for code in codes:
        code_redeem(reader=make_reader(), text=code)
    html = manager_client.get("/admin/").content.decode()
    assert "Codes from the issue" in html and f"issue {batch.issue.label}: codes redeemed" in html
