"""The codes themselves: their alphabet, how a reader's typing is read back, and their hashes."""

import re

import pytest
from django.core.exceptions import ValidationError

from issuecodes.codes import ALPHABET, code_generate, code_hash, code_hashes, code_normalise


def test_a_new_code_is_two_groups_of_five_from_an_alphabet_without_look_alikes():
    codes = {code_generate() for _ in range(300)}
    assert len(codes) == 300
    for code in codes:
        assert re.fullmatch(rf"[{ALPHABET}]{{5}}-[{ALPHABET}]{{5}}", code)
    assert not set("0O1IL") & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["K7M2P-XQ9RT", "k7m2p-xq9rt", " K7M2P XQ9RT ", "k7m2pxq9rt", "K7M2P – XQ9RT", "k 7 m 2 p\txq9-rt"],
)
def test_lower_case_spaces_and_dashes_make_the_same_code(typed):
    assert code_normalise(typed) == "K7M2PXQ9RT"


@pytest.mark.parametrize(
    "typed, shown", [("K7M2P-XQ9R0", "0"), ("k7m2p-xq9ro", "O"), ("L7M2P-1Q9RT", "1, L")]
)
def test_a_look_alike_is_refused_with_a_message_naming_it(typed, shown):
    with pytest.raises(ValidationError) as caught:
        code_normalise(typed)
    assert caught.value.code == "look_alike"
    assert f"you typed {shown}" in caught.value.messages[0]


@pytest.mark.parametrize(
    "typed, error",
    [
        ("", "required"),
        ("  - ", "required"),
        ("K7M2P-XQ9R", "length"),
        ("K7M2P-XQ9RTT", "length"),
        ("K7M2P-XQ9R#", "characters"),
        ("К7М2Р-XQ9RT", "characters"),
    ],
)
def test_what_cannot_be_a_code_is_refused_with_its_reason(typed, error):
    with pytest.raises(ValidationError) as caught:
        code_normalise(typed)
    assert caught.value.code == error


def test_the_hash_is_an_hmac_sha256_keyed_by_the_secret_key(settings):
    digest = code_hash("K7M2PXQ9RT")
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and "K7M2PXQ9RT" not in digest
    assert code_hash("K7M2PXQ9RT") == digest and code_hash("K7M2PXQ9RU") != digest
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert code_hash("K7M2PXQ9RT") != digest


def test_a_code_made_under_an_old_key_is_still_found_while_the_key_is_a_fallback(settings):
    old = code_hash("K7M2PXQ9RT")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-secret-key-after-rotation"
    assert old in code_hashes("K7M2PXQ9RT")
