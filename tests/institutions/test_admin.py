"""The managers' admin: institutions with their ranges, the readings, bad input, the dashboard panel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from institutions.models import Institution, InstitutionReading
from institutions.services import reading_count
from tests.factories import make_institution, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

CHANGELIST = "/admin/institutions/institution/"
ADD = f"{CHANGELIST}add/"


def form_data(*ranges, **fields):
    today = timezone.localdate()
    data = {
        "name": "Tashkent State University",
        "kind": "university",
        "active": "on",
        "starts_on": today.isoformat(),
        "ends_on": "",
        "contact_name": "",
        "contact_email": "",
        "email_domains": "",
        "ranges-TOTAL_FORMS": str(len(ranges)),
        "ranges-INITIAL_FORMS": "0",
        "ranges-MIN_NUM_FORMS": "0",
        "ranges-MAX_NUM_FORMS": "1000",
        "readings-TOTAL_FORMS": "0",
        "readings-INITIAL_FORMS": "0",
        "readings-MIN_NUM_FORMS": "0",
        "readings-MAX_NUM_FORMS": "0",
    }
    for n, text in enumerate(ranges):
        data[f"ranges-{n}-text"] = text
    return data | fields


def test_a_manager_adds_an_institution_with_its_ranges(manager_client):
    response = manager_client.post(ADD, form_data("10.0.0.0/8", "2001:DB8::10 - 2001:db8::20"))
    assert response.status_code == 302
    institution = Institution.objects.get()
    assert sorted(r.text for r in institution.ranges.all()) == ["10.0.0.0/8", "2001:db8::10-2001:db8::20"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.1/8", "host bits set"),
        ("192.0.2.9-192.0.2.1", "comes after the last one"),
        ("10.0.0.1-2001:db8::1", "both be IPv4 or both be IPv6"),
        ("<script>", "is not an address range"),
        ("1" * 300, "at most 100 characters"),
        ("10.0.0.0/8\x00", "Null characters are not allowed"),
    ],
)
def test_a_bad_range_shows_the_error_not_a_500(manager_client, text, message):
    response = manager_client.post(ADD, form_data(text))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "<script>" not in html
    assert response.context["errors"]
    assert not Institution.objects.exists()


def test_an_overlapping_range_shows_whose_it_is(manager_client):
    make_institution(name="Embassy of Somewhere", ranges=["192.0.2.0/24"])
    response = manager_client.post(ADD, form_data("192.0.2.128/25"))
    assert response.status_code == 200
    assert "192.0.2.128/25 overlaps 192.0.2.0/24 of Embassy of Somewhere." in response.content.decode()
    assert Institution.objects.count() == 1


def test_bad_domains_and_period_show_errors(manager_client):
    today = timezone.localdate()
    response = manager_client.post(
        ADD,
        form_data(email_domains="gmail.com\nnot a domain", ends_on=(today - timedelta(days=1)).isoformat()),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "public mail service" in html and "is not a domain name" in html


def test_the_list_shows_kind_period_ranges_and_readings(manager_client, django_assert_max_num_queries):
    for n in range(5):
        institution = make_institution(
            name=f"Institution {n}", ranges=[f"10.{n}.0.0/16", f"10.{n + 100}.0.0/16"]
        )
        reading_count(institution)
    with django_assert_max_num_queries(12):
        response = manager_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200 and "Institution 4" in html and "Ministry" in html
    assert '<td class="field-ranges_count">2</td>' in html
    assert '<td class="field-readings_this_month">1</td>' in html


def test_the_change_page_shows_the_readings_per_month_read_only(manager_client):
    institution = make_institution(ranges=["10.0.0.0/8"])
    InstitutionReading.objects.create(
        institution=institution, month=timezone.localdate().replace(day=1), count=41
    )
    response = manager_client.get(f"{CHANGELIST}{institution.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200 and "41" in html and 'name="readings-0-count"' not in html


def test_a_period_change_in_the_admin_moves_the_readers_grants(manager_client):
    from institutions.services import grants_on_sign_in
    from tests.factories import make_reader

    institution = make_institution(email_domains="tsu.uz")
    grant = grants_on_sign_in(reader=make_reader(email="a@tsu.uz"))[0]
    row = institution.ranges.first()
    assert row is None
    ends = timezone.localdate() + timedelta(days=10)
    data = form_data(
        name=institution.name,
        kind="ministry",
        starts_on=institution.starts_on.isoformat(),
        ends_on=ends.isoformat(),
        email_domains="tsu.uz",
    )
    response = manager_client.post(f"{CHANGELIST}{institution.pk}/change/", data)
    assert response.status_code == 302
    grant.refresh_from_db()
    assert timezone.localtime(grant.ends_at).date() == ends + timedelta(days=1)


def test_the_dashboard_panel(manager_client):
    live = make_institution(ranges=["10.0.0.0/8"])
    make_institution(
        name="Ended",
        starts_on=timezone.localdate() - timedelta(days=9),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    reading_count(live)
    reading_count(live)
    html = manager_client.get("/admin/").content.decode()
    assert "institutions with access now" in html and "articles read from their networks this month" in html
    from institutions.dashboard import institutions_panel

    class Request:
        user = make_user(is_superuser=True, is_staff=True)

    assert [value for _, value, _ in institutions_panel(Request())["items"]] == [1, 2]


def test_the_panel_and_the_admin_are_closed_to_editors(client):
    client.force_login(make_user(groups=["Editors"], is_staff=True))
    assert "institutions with access now" not in client.get("/admin/").content.decode()
    assert client.get(CHANGELIST).status_code == 403
