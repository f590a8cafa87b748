"""The codes printed in an issue: how they are made, read back from a reader's typing, and hashed.

A code is ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), printed in two
groups (XXXXX-XXXXX). Only its HMAC is stored; the key derives from SECRET_KEY, so rotating the key
keeps old codes working only while the old key stays in SECRET_KEY_FALLBACKS.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LOOK_ALIKES = "0O1IL"
LENGTH = 10
GROUP = 5
HASH_SALT = "issuecodes.code"
# What a reader may type between the groups: spaces, hyphens and the dashes a phone puts in.
SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


def code_generate():
    """A new random code, grouped for print: 'K7M2P-XQ9RT'."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return code_display(raw)


def code_display(normalised):
    return "-".join(normalised[i : i + GROUP] for i in range(0, len(normalised), GROUP))


def code_normalise(value):
    """The code a reader typed, upper-cased, without spaces or dashes: 'k7m2p xq9rt' -> 'K7M2PXQ9RT'.

    Raises ValidationError with a message the reader can act on for a look-alike (0, O, 1, I, L),
    any other character, or the wrong length.
    """
    code = SEPARATORS.sub("", value or "").upper()
    if not code:
        raise ValidationError(_("Enter the code printed in the issue."), code="required")
    look_alikes = sorted({ch for ch in code if ch in LOOK_ALIKES})
    if look_alikes:
        raise ValidationError(
            _(
                "Codes never contain the characters 0, O, 1, I or L (you typed %(chars)s). Look again: "
                "it is probably another letter or digit, such as Q, D, 7 or J."
            ),
            code="look_alike",
            params={"chars": ", ".join(look_alikes)},
        )
    if any(ch not in ALPHABET for ch in code):
        raise ValidationError(
            _("A code has only Latin letters and digits, as printed in the issue."), code="characters"
        )
    if len(code) != LENGTH:
        raise ValidationError(
            _("A code has %(length)d characters (you typed %(typed)d)."),
            code="length",
            params={"length": LENGTH, "typed": len(code)},
        )
    return code


def code_hash(normalised, secret=None):
    """The stored form of a normalised code: HMAC-SHA256 with a key derived from SECRET_KEY."""
    return salted_hmac(HASH_SALT, normalised, secret=secret, algorithm="sha256").hexdigest()


def code_hashes(normalised):
    """The hashes of a code under SECRET_KEY and each of SECRET_KEY_FALLBACKS, for looking it up."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hash(normalised, secret=key) for key in keys]
