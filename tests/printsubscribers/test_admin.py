"""The manager's import, as a browser posts it: upload, the confirm page with its rows and errors, confirm."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from printsubscribers.models import PrintSubscription
from printsubscribers.services import subscription_link
from readers.models import AccessGrant
from tests.factories import csv_bytes, make_reader, make_subscription, make_user, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

IMPORT = "/admin/printsubscribers/printsubscription/import/"
CHANGELIST = "/admin/printsubscribers/printsubscription/"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?')


def upload(client, data, *, name="list.csv", fmt="0"):
    """The import form as a browser posts it: the file, its format, the one resource."""
    page = client.get(IMPORT)
    assert page.status_code == 200 and 'name="import_file"' in page.content.decode()
    return client.post(
        IMPORT, {"import_file": SimpleUploadedFile(name, data), "format": fmt, "resource": "0"}
    )


def confirm(client, preview):
    """Post the confirm form of the preview page with its hidden fields, as they are."""
    html = preview.content.decode()
    form = html[html.index("process_import") :]
    form = form[: form.index("</form>")]
    data = {name: value or "" for name, value in HIDDEN.findall(form) if name != "csrfmiddlewaretoken"}
    return client.post(f"{CHANGELIST}process_import/", data | {"confirm": "Confirm import"})


LIST = [
    "1042;Dilnoza Karimova;Dilnoza@Example.UZ;100 017;01.01.2026;31.12.2026",
    "1043;Olga Petrova;;100000;2026-01-01;2026-06-30",
]


def test_the_list_offers_the_import(manager_client):
    assert f"href='{IMPORT}'" in manager_client.get(CHANGELIST).content.decode()


def test_a_list_is_previewed_then_imported_on_confirmation(manager_client):
    preview = upload(manager_client, csv_bytes(*LIST))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Confirm import" in html and html.count('<tr class="new">') == 2
    assert not PrintSubscription.objects.exists()  # the preview is a dry run
    done = confirm(manager_client, preview)
    assert done.status_code == 302 and done["Location"] == CHANGELIST
    first = PrintSubscription.objects.get(number="1042")
    assert (first.email, first.postal_code, first.ends_on) == (
        "dilnoza@example.uz",
        "100017",
        date(2026, 12, 31),
    )
    assert "2 new, 0 updated, 0 deleted and 0 skipped" in manager_client.get(CHANGELIST).content.decode()


def test_the_same_list_again_changes_nothing(manager_client):
    confirm(manager_client, upload(manager_client, csv_bytes(*LIST)))
    before = list(PrintSubscription.objects.values_list("updated_at", flat=True))
    preview = upload(manager_client, csv_bytes(*LIST))
    assert preview.content.decode().count('<tr class="skip">') == 2
    confirm(manager_client, preview)
    assert list(PrintSubscription.objects.values_list("updated_at", flat=True)) == before
    assert "0 new, 0 updated, 0 deleted and 2 skipped" in manager_client.get(CHANGELIST).content.decode()


def test_an_xlsx_list_with_windows_date_cells_is_imported(manager_client):
    rows = [["Номер подписчика", "ФИО", "Эл. почта", "Индекс", "Начало", "Окончание"]]
    rows.append([1042, "Ольга", None, 100017, datetime(2026, 1, 1), datetime(2026, 12, 31)])
    preview = upload(manager_client, xlsx_bytes(rows), name="list.xlsx", fmt="1")
    confirm(manager_client, preview)
    assert PrintSubscription.objects.get().number == "1042"


def test_bad_rows_are_listed_with_their_number_and_reason_and_nothing_can_be_confirmed(manager_client):
    rows = [
        "1;A;;100000;31.02.2026;31.12.2026",  # no such day
        "2;B;;100000;01.06.2026;01.01.2026",  # ends before it starts
        ";C;;100000;01.01.2026;31.12.2026",  # no number
        "4;D;not-an-address;100000;01.01.2026;31.12.2026",
        "5;E;;100000;01.01.2026;31.12.2026",
        "5;F;;100000;01.01.2026;31.12.2026",  # the same number twice
        "7;=HYPERLINK(1);;100000;01.01.2026;31.12.2026",
    ]
    preview = upload(manager_client, csv_bytes(*rows))
    html = preview.content.decode()
    assert preview.status_code == 200 and "Confirm import" not in html
    assert "“31.02.2026” is not a day" in html
    assert "The last day comes before the first day." in html
    assert "The subscriber number is missing." in html
    assert "“not-an-address” is not an email address." in html
    assert "The number 5 is already in row 5 of this file." in html
    assert "may not start with “=”" in html
    numbers = re.findall(r"<td>(\d+) </td>", html)
    assert numbers == ["1", "2", "3", "4", "6", "7"]
    assert not PrintSubscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "fmt", "message"),
    [
        (bytes(range(256)) * 40, "list.csv", "0", "This is not a text file"),
        (b"just text", "list.xlsx", "1", "This is not an XLSX file"),
        (b"PK\x03\x04garbage", "list.xlsx", "1", "This is not an XLSX file"),
        (b"", "list.csv", "0", "empty"),
        (b"a;b;c\r\n1;2;3\r\n", "list.csv", "0", "The file has no column for"),
    ],
    ids=["binary", "xlsx not a zip", "broken zip", "empty", "no columns"],
)
def test_hostile_files_get_a_clear_error_on_the_form(manager_client, data, name, fmt, message):
    response = upload(manager_client, data, name=name, fmt=fmt)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PrintSubscription.objects.exists()


def test_a_list_beyond_the_row_limit_is_refused(manager_client, settings):
    settings.PRINTSUBS_IMPORT_MAX_ROWS = 50
    lines = [f"{n};A;;100000;01.01.2026;31.12.2026" for n in range(51)]
    response = upload(manager_client, csv_bytes(*lines))
    assert response.status_code == 200 and "more than 50 rows" in response.content.decode()


def test_a_confirmation_of_a_file_that_is_gone_is_sent_back_to_the_upload(manager_client):
    data = {"import_file_name": "nothing-here", "original_file_name": "x.csv", "format": "0", "resource": ""}
    response = manager_client.post(f"{CHANGELIST}process_import/", data)
    assert response.status_code == 302 and response["Location"] == IMPORT


def test_an_updated_list_moves_the_linked_readers_grant(manager_client):
    subscription = make_subscription(number="1042", postal_code="100017", ends_on=date(2026, 12, 31))
    reader = make_reader()
    subscription_link(subscription=subscription, reader=reader)
    longer = "1042;Subscriber;;100017;01.01.2026;31.12.2027"
    confirm(manager_client, upload(manager_client, csv_bytes(longer)))
    grant = AccessGrant.objects.get(reader=reader)
    assert timezone.localtime(grant.ends_at) == timezone.make_aware(
        datetime.combine(date(2028, 1, 1), time(0))
    )
    assert grant.reason == AccessGrant.Reason.PRINT_SUBSCRIPTION and grant.source == subscription


def test_a_shortened_list_ends_the_linked_readers_grant(manager_client):
    today = timezone.localdate()
    subscription = make_subscription(
        number="1042", starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=60)
    )
    reader = make_reader()
    subscription_link(subscription=subscription, reader=reader)
    assert AccessGrant.objects.live().filter(reader=reader).exists()
    ended = (
        f"1042;Subscriber;;100017;{today - timedelta(days=60):%d.%m.%Y};{today - timedelta(days=1):%d.%m.%Y}"
    )
    confirm(manager_client, upload(manager_client, csv_bytes(ended)))
    assert not AccessGrant.objects.live().filter(reader=reader).exists()
    assert AccessGrant.objects.filter(reader=reader).count() == 1


def test_unlink_revokes_the_grant_and_frees_the_subscription(manager_client):
    subscription = make_subscription()
    reader = make_reader()
    subscription_link(subscription=subscription, reader=reader)
    response = manager_client.post(
        CHANGELIST, {"action": "unlink_selected", "_selected_action": [subscription.pk]}
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.reader is None and subscription.grant is None
    assert AccessGrant.objects.get(reader=reader).revoked_at is not None


def test_the_import_needs_the_managers_permissions(client):
    client.force_login(make_user(is_staff=True))
    assert client.get(IMPORT).status_code == 403


def test_there_is_no_export(manager_client):
    assert manager_client.get(f"{CHANGELIST}export/").status_code in (302, 404)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_a_fixed_number_of_queries(manager_client, django_assert_max_num_queries, count):
    for _ in range(count):
        subscription_link(subscription=make_subscription(), reader=make_reader())
    with django_assert_max_num_queries(12):
        assert manager_client.get(CHANGELIST).status_code == 200
