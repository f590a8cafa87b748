"""Address ranges as written by the staff, their storage and lookup, overlaps and email domains."""

import pytest
from django.core.exceptions import ValidationError

from institutions.models import Institution, InstitutionRange, clean_domains
from institutions.ranges import as_hex, parse_address, parse_range
from tests.factories import make_institution, make_range


def error_of(text):
    with pytest.raises(ValidationError) as caught:
        parse_range(text)
    return " ".join(caught.value.messages)


def test_a_cidr_network():
    found = parse_range(" 10.0.0.0/8 ")
    assert (found.version, found.start, found.end) == (4, as_hex(0x0A000000), as_hex(0x0AFFFFFF))
    assert str(found) == "10.0.0.0/8" and len(found.start) == 32


def test_an_ipv6_network():
    found = parse_range("2001:DB8::/32")
    assert found.version == 6 and str(found) == "2001:db8::/32"
    assert found.start == "20010db8000000000000000000000000"
    assert found.end == "20010db8ffffffffffffffffffffffff"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("192.0.2.10-192.0.2.50", "192.0.2.10-192.0.2.50"),
        ("192.0.2.10 – 192.0.2.50", "192.0.2.10-192.0.2.50"),
        ("192.0.2.0-192.0.2.255", "192.0.2.0/24"),
        ("2001:db8::10-2001:db8::ff", "2001:db8::10-2001:db8::ff"),
        ("198.51.100.7", "198.51.100.7"),
        ("198.51.100.7/32", "198.51.100.7"),
        ("2001:db8::1", "2001:db8::1"),
    ],
)
def test_first_last_and_single_addresses(text, shown):
    assert str(parse_range(text)) == shown


def test_first_last_bounds_are_stored():
    found = parse_range("192.0.2.10-192.0.2.50")
    assert int(found.start, 16) == 0xC000020A and int(found.end, 16) == 0xC0000232


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("192.0.2.10-2001:db8::1", "both be IPv4 or both be IPv6"),
        ("192.0.2.50-192.0.2.10", "comes after the last one"),
        ("10.0.0.1/8", "host bits set: the network is 10.0.0.0/8"),
        ("2001:db8::1/32", "host bits set: the network is 2001:db8::/32"),
        ("not a network", "is not an address range"),
        ("10.0.0.0/33", "is not an address range"),
        ("300.1.1.1", "is not an address range"),
        ("192.0.2.1-banana", "“banana” is not an IP address"),
        ("", "Enter an address range"),
        ("0.0.0.0/0", "too wide"),
        ("::/0", "too wide"),
    ],
)
def test_bad_ranges_are_refused_with_a_clear_message(text, message):
    assert message in error_of(text)


def test_addresses_are_read_like_the_proxy_writes_them():
    assert str(parse_address("::ffff:10.1.2.3")) == "10.1.2.3"
    assert str(parse_address("[2001:db8::1]")) == "2001:db8::1"
    assert parse_address("unknown") is None and parse_address("") is None


@pytest.mark.django_db
def test_lookup_is_one_query_for_both_families(django_assert_num_queries):
    mfa = make_institution(ranges=["10.0.0.0/8", "2001:db8::/32"])
    make_institution(name="University", ranges=["192.0.2.10-192.0.2.50"])
    with django_assert_num_queries(1):
        assert [r.institution_id for r in InstitutionRange.objects.containing("10.200.3.4")] == [mfa.pk]
    assert InstitutionRange.objects.containing("2001:db8:ffff::1").get().institution == mfa
    assert InstitutionRange.objects.containing("192.0.2.50").get().institution.name == "University"
    assert not InstitutionRange.objects.containing("192.0.2.51").exists()
    assert not InstitutionRange.objects.containing("2001:db9::1").exists()
    assert not InstitutionRange.objects.containing("garbage").exists()


@pytest.mark.django_db
def test_a_range_overlapping_another_institutions_is_refused():
    make_institution(name="University", ranges=["192.0.2.0/24"])
    embassy = make_institution(name="Embassy")
    with pytest.raises(ValidationError) as caught:
        make_range(embassy, "192.0.2.200-192.0.3.10")
    assert caught.value.message_dict["text"] == [
        "192.0.2.200-192.0.3.10 overlaps 192.0.2.0/24 of University."
    ]
    make_range(embassy, "192.0.3.0/24")  # next to it is fine
    assert embassy.ranges.count() == 1


@pytest.mark.django_db
def test_ranges_of_one_institution_may_overlap_and_a_range_can_be_saved_again():
    mfa = make_institution(ranges=["10.0.0.0/8"])
    row = make_range(mfa, "10.1.0.0/16")
    row.full_clean()  # its own institution's ranges are no clash
    assert mfa.ranges.count() == 2


def test_email_domains_are_normalised():
    assert clean_domains(" MFA.uz\n\n@edu.Uz.\nmfa.uz\nправительство.рф") == (
        "mfa.uz\nedu.uz\nxn--80aealotwbjpid2k.xn--p1ai"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not a domain", "is not a domain name"),
        ("localhost", "is not a domain name"),
        ("mfa..uz", "is not a domain name"),
        ("gmail.com", "public mail service"),
        ("Mail.RU", "public mail service"),
    ],
)
def test_bad_email_domains_are_refused(text, message):
    with pytest.raises(ValidationError) as caught:
        clean_domains(text)
    assert message in " ".join(caught.value.messages)


@pytest.mark.django_db
def test_the_period_must_not_end_before_it_starts():
    from datetime import date

    institution = Institution(name="X", starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 30))
    with pytest.raises(ValidationError) as caught:
        institution.full_clean()
    assert "ends_on" in caught.value.message_dict
