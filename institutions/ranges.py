"""Address ranges as the staff write them, and addresses as stored: one comparable form for IPv4 and IPv6.

A range is written as a network (`10.0.0.0/8`, `2001:db8::/32`), a first–last pair
(`192.0.2.10-192.0.2.50`) or one address. It is stored as its IP version and its first and last
addresses as 32-digit lowercase hex strings: fixed width, so text order is number order on SQLite and
PostgreSQL alike, and "which range holds this address" is one indexed query.
"""

import ipaddress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The widest range accepted: a shorter prefix is almost always a typing mistake that would open the
# whole text to a good part of the Internet.
WIDEST_PREFIX = {4: 8, 6: 16}
DASHES = ("–", "—")


@dataclass(frozen=True)
class AddressRange:
    version: int
    first: int
    last: int

    @property
    def start(self):
        return as_hex(self.first)

    @property
    def end(self):
        return as_hex(self.last)

    def __str__(self):
        kind = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        first, last = kind(self.first), kind(self.last)
        if first == last:
            return str(first)
        networks = list(ipaddress.summarize_address_range(first, last))
        return str(networks[0]) if len(networks) == 1 else f"{first}-{last}"


def as_hex(number):
    return format(number, "032x")


def parse_address(text):
    """The address in `text` (an IPv4-mapped IPv6 address counts as IPv4), or None if it is not one."""
    try:
        address = ipaddress.ip_address(text.strip().strip("[]").split("%")[0])
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_range(text):
    """The AddressRange written in `text`; ValidationError with a clear message for anything else."""
    text = (text or "").strip()
    for dash in DASHES:
        text = text.replace(dash, "-")
    if not text:
        raise ValidationError(_("Enter an address range."), code="empty")
    if "-" in text:
        first_text, _dash, last_text = text.partition("-")
        first, last = _address(first_text), _address(last_text)
        if first.version != last.version:
            raise ValidationError(
                _("The first and the last address must both be IPv4 or both be IPv6."), code="mixed"
            )
        if int(first) > int(last):
            raise ValidationError(
                _("The first address %(first)s comes after the last one %(last)s.")
                % {"first": first, "last": last},
                code="reversed",
            )
        found = AddressRange(first.version, int(first), int(last))
    else:
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            if "has host bits set" in str(error):
                suggestion = ipaddress.ip_network(text, strict=False)
                raise ValidationError(
                    _("%(text)s has host bits set: the network is %(network)s (or write one address).")
                    % {"text": text, "network": suggestion},
                    code="host_bits",
                ) from None
            raise ValidationError(
                _(
                    "“%(text)s” is not an address range. Write a network such as 10.0.0.0/8 or "
                    "2001:db8::/32, or a first and a last address such as 192.0.2.10-192.0.2.50."
                )
                % {"text": text},
                code="invalid",
            ) from None
        found = AddressRange(network.version, int(network.network_address), int(network.broadcast_address))
    size = found.last - found.first + 1
    widest = WIDEST_PREFIX[found.version]
    if size > 2 ** ((32 if found.version == 4 else 128) - widest):
        raise ValidationError(
            _("This range is too wide: at most a /%(prefix)s network.") % {"prefix": widest}, code="too_wide"
        )
    return found


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise ValidationError(
            _("“%(text)s” is not an IP address.") % {"text": text.strip()}, code="invalid_address"
        ) from None
