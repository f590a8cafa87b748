import pytest
from django.core.exceptions import ValidationError

from subscriptions.addresses import normalize_email


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Reader@Example.ORG \n", "Reader@example.org"),
        ("reader@ПРИМЕР.РФ", "reader@xn--e1afmkfd.xn--p1ai"),
        ("reader@münchen.de", "reader@xn--mnchen-3ya.de"),
        ("first.last+tag@sub.example.org", "first.last+tag@sub.example.org"),
    ],
)
def test_addresses_are_trimmed_and_their_domain_lowercased_and_idna_encoded(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("reader @example.org", "whitespace"),
        ("reader@example.org\nBcc: victim@example.org", "whitespace"),
        ("reader@example.org\r\nSubject: spam", "whitespace"),
        ("reader\t@example.org", "whitespace"),
        ("reader@exa\x00mple.org", "whitespace"),
        ("a" * 64 + "@" + "b" * 186 + ".org", "too_long"),
        ("x" * 5000, "too_long"),
        ("", "invalid"),
        ("no-at-sign", "invalid"),
        ("@example.org", "invalid"),
        ("reader@", "invalid"),
        ("reader@@example.org", "invalid"),
        ("reader@-bad-.org", "invalid"),
        ("reader@" + "a" * 64 + ".org", "invalid"),
        ("читатель@example.org", "invalid"),
    ],
)
def test_bad_addresses_are_refused(raw, code):
    with pytest.raises(ValidationError) as error:
        normalize_email(raw)
    assert error.value.code == code


def test_an_address_that_grows_past_the_limit_when_encoded_is_refused():
    raw = "a" * 60 + "@" + ".".join(["ü" * 20] * 8) + ".de"  # 231 characters typed, 279 in punycode
    with pytest.raises(ValidationError) as error:
        normalize_email(raw)
    assert error.value.code == "too_long"
