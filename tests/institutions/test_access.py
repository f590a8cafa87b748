"""Reading from an institution's network: the whole text without signing in, the line that says so,
the client's address through trusted proxies only, the page and fragment caches, the readings."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from institutions.models import InstitutionReading
from institutions.services import reading_count
from tests.factories import make_grant, make_institution, make_print_first, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

INSIDE, OUTSIDE = "10.20.30.40", "198.51.100.7"
LINE = "Access provided by"


@pytest.fixture
def mfa():
    return make_institution(name="Ministry <of> Foreign Affairs", ranges=["10.0.0.0/8", "2001:db8::/32"])


@pytest.fixture
def article():
    return make_print_first()


def page(article, address, **headers):
    response = Client(REMOTE_ADDR=address).get(article.get_absolute_url(), **headers)
    assert response.status_code == 200
    return response, response.content.decode()


def readings(institution):
    row = InstitutionReading.objects.filter(institution=institution).first()
    return row.count if row else 0


def test_an_institution_address_reads_the_whole_text_and_sees_the_line(mfa, article):
    response, html = page(article, INSIDE)
    assert "HIDDENMARKER" in html and 'class="paywall"' not in html
    assert "Access provided by Ministry &lt;of&gt; Foreign Affairs" in html
    assert "<of>" not in html
    assert "private" in response["Cache-Control"] and "X-Page-Cache" not in response


def test_an_ipv6_address_of_the_institution_reads_whole(mfa, article):
    assert "HIDDENMARKER" in page(article, "2001:db8:12::7")[1]
    assert "HIDDENMARKER" not in page(article, "2001:db9::7")[1]


def test_an_ipv4_mapped_address_of_a_dual_stack_server_counts_as_ipv4(mfa, article):
    assert "HIDDENMARKER" in page(article, "::ffff:10.20.30.40")[1]


def test_an_outside_address_gets_the_excerpt(mfa, article):
    _response, html = page(article, OUTSIDE)
    assert "HIDDENMARKER" not in html and "Public opening words" in html and LINE not in html


def test_an_ended_inactive_or_future_institution_grants_nothing(article):
    today = timezone.localdate()
    make_institution(
        name="Ended",
        ranges=["10.1.0.0/16"],
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=1),
    )
    make_institution(name="Off", ranges=["10.2.0.0/16"], active=False)
    make_institution(name="Later", ranges=["10.3.0.0/16"], starts_on=today + timedelta(days=1))
    make_institution(name="Today", ranges=["10.4.0.0/16"], starts_on=today, ends_on=today)
    for address in ("10.1.0.1", "10.2.0.1", "10.3.0.1"):
        assert "HIDDENMARKER" not in page(article, address)[1]
    assert "HIDDENMARKER" in page(article, "10.4.0.1")[1]  # the last day counts whole


def test_a_free_or_opened_article_is_not_counted_nor_marked(mfa):
    from tests.factories import make_article

    free = make_article()
    _response, html = page(free, INSIDE)
    assert LINE not in html and readings(mfa) == 0
    opened = make_print_first()
    type(opened).objects.filter(pk=opened.pk).update(opens_at=timezone.now() - timedelta(days=1))
    _response, html = page(opened, INSIDE)
    assert "HIDDENMARKER" in html and LINE not in html and readings(mfa) == 0


# The client's address: REMOTE_ADDR, or X-Forwarded-For through trusted proxies only


def test_a_spoofed_forwarded_header_from_an_untrusted_address_grants_nothing(mfa, article, settings):
    settings.TRUSTED_PROXIES = 0
    _response, html = page(article, OUTSIDE, HTTP_X_FORWARDED_FOR=INSIDE)
    assert "HIDDENMARKER" not in html and LINE not in html


def test_behind_one_trusted_proxy_its_entry_is_used(mfa, article, settings):
    settings.TRUSTED_PROXIES = 1
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    assert "HIDDENMARKER" in page(article, "127.0.0.1", HTTP_X_FORWARDED_FOR=INSIDE)[1]
    assert "HIDDENMARKER" in page(article, "127.0.0.1", HTTP_X_FORWARDED_FOR=f"{OUTSIDE}, {INSIDE}")[1]
    spoofed = page(article, "127.0.0.1", HTTP_X_FORWARDED_FOR=f"{INSIDE}, {OUTSIDE}")[1]
    assert "HIDDENMARKER" not in spoofed
    # The proxy's own address (REMOTE_ADDR) is not the client's.
    assert "HIDDENMARKER" not in page(article, INSIDE, HTTP_X_FORWARDED_FOR=OUTSIDE)[1]
    assert "HIDDENMARKER" in page(article, "::1", HTTP_X_FORWARDED_FOR="2001:db8::5")[1]


def test_behind_a_proxy_at_a_known_address_a_header_from_elsewhere_is_not_believed(mfa, article, settings):
    settings.TRUSTED_PROXIES = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1/32", "::1/128"]
    # Straight to the app server, not through the proxy: the header is the client's own invention.
    _response, html = page(article, OUTSIDE, HTTP_X_FORWARDED_FOR=INSIDE)
    assert "HIDDENMARKER" not in html and LINE not in html
    assert "HIDDENMARKER" in page(article, "127.0.0.1", HTTP_X_FORWARDED_FOR=INSIDE)[1]
    assert "HIDDENMARKER" in page(article, "::1", HTTP_X_FORWARDED_FOR="2001:db8::5")[1]
    assert "HIDDENMARKER" not in page(article, "2001:db9::9", HTTP_X_FORWARDED_FOR="2001:db8::5")[1]


def test_client_ip_keeps_the_hop_count_and_checks_the_proxy_address(rf, settings):
    from guards.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{INSIDE}, {OUTSIDE}")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == INSIDE
    settings.TRUSTED_PROXY_ADDRESSES = ["10.9.0.0/16"]
    assert client_ip(request) == "127.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR=INSIDE)) == "unknown"


# Caches: the institution's whole text never reaches anyone else


def test_institution_first_then_a_plain_visitor_gets_the_excerpt(mfa, article):
    assert "HIDDENMARKER" in page(article, INSIDE)[1]
    assert "HIDDENMARKER" in page(article, INSIDE)[1]
    for _ in range(2):
        response, html = page(article, OUTSIDE)
        assert "HIDDENMARKER" not in html and LINE not in html
    assert response["X-Page-Cache"] == "hit"


def test_a_plain_visitor_first_then_the_institution_reads_whole(mfa, article):
    for _ in range(2):
        response, html = page(article, OUTSIDE)
        assert "HIDDENMARKER" not in html
    assert response["X-Page-Cache"] == "hit"
    response, html = page(article, INSIDE)
    assert "HIDDENMARKER" in html and LINE in html and "X-Page-Cache" not in response
    assert "HIDDENMARKER" not in page(article, OUTSIDE)[1]


def test_an_institution_request_is_never_answered_from_the_page_cache_even_for_other_pages(mfa, client):
    home = [Client(REMOTE_ADDR=OUTSIDE).get("/en/") for _ in range(2)]
    assert home[1]["X-Page-Cache"] == "hit"
    inside = Client(REMOTE_ADDR=INSIDE).get("/en/")
    assert inside.status_code == 200 and "X-Page-Cache" not in inside


def test_a_range_added_later_is_seen_at_once(article):
    assert "HIDDENMARKER" not in page(article, INSIDE)[1]
    make_institution(ranges=["10.0.0.0/8"])
    assert "HIDDENMARKER" in page(article, INSIDE)[1]


# Readings


def test_each_whole_page_is_counted_in_the_month(mfa, article):
    page(article, INSIDE)
    page(article, INSIDE)
    page(article, OUTSIDE)
    row = InstitutionReading.objects.get()
    assert row.institution == mfa and row.count == 2
    assert row.month == timezone.localdate().replace(day=1)


def test_a_reader_with_a_grant_reads_by_the_grant_and_is_not_counted(mfa, article, client):
    reader = make_reader()
    make_grant(reader=reader)
    browser = sign_in_as(Client(REMOTE_ADDR=INSIDE), reader)
    html = browser.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" in html and LINE not in html and readings(mfa) == 0


def test_readings_count_atomically(mfa):
    for _ in range(3):
        reading_count(mfa)
    assert InstitutionReading.objects.get().count == 3


def test_the_article_page_costs_no_query_for_the_lookup_once_cached(
    mfa, article, django_assert_max_num_queries
):
    page(article, INSIDE)
    from institutions.lookup import institution_at

    with django_assert_max_num_queries(0):
        assert institution_at(INSIDE) == mfa
