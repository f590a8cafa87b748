"""The one rule for how an email address is checked and stored."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 254  # RFC 5321: the longest path a mail server must accept


def normalize_email(value):
    """Return `value` trimmed, with its domain lower-cased and IDNA-encoded; raise ValidationError if bad.

    Unicode domains are accepted and stored in their ASCII (punycode) form; unicode local parts are
    refused, because delivering them needs SMTPUTF8, which not every relay offers.
    """
    value = (value or "").strip()
    if any(char.isspace() or not char.isprintable() for char in value):
        raise ValidationError(_("An email address has no spaces or line breaks."), code="whitespace")
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            _("An email address has at most %(limit)d characters."),
            code="too_long",
            params={"limit": MAX_LENGTH},
        )
    local, at, domain = value.rpartition("@")
    if not (local and at and domain):
        raise ValidationError(_("Enter a valid email address."), code="invalid")
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("Enter a valid email address."), code="invalid") from None
    email = f"{local}@{domain}"
    if len(email) > MAX_LENGTH:
        raise ValidationError(
            _("An email address has at most %(limit)d characters."),
            code="too_long",
            params={"limit": MAX_LENGTH},
        )
    validate_email(email)
    return email
