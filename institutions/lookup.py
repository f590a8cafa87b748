"""Which institution's network a request comes from: the ranges, kept in the shared cache.

The list of live ranges is small and read on every request, so it is kept whole in the cache (until
an institution or a range changes, or RANGES_SECONDS at most) and searched in memory. The client's
address is magazine.ratelimit.client_ip(): REMOTE_ADDR, or the trusted proxy's X-Forwarded-For entry.
"""

from django.core.cache import cache
from django.db import transaction

from magazine.ratelimit import client_ip

from .models import InstitutionRange
from .ranges import parse_address

RANGES_KEY = "institutions:ranges:1"
RANGES_SECONDS = 300


def live_ranges():
    """[(version, first, last, institution)] of active institutions (their period is checked per request)."""
    ranges = cache.get(RANGES_KEY)
    if ranges is None:
        rows = InstitutionRange.objects.filter(institution__active=True).select_related("institution")
        ranges = [(row.version, int(row.start, 16), int(row.end, 16), row.institution) for row in rows]
        cache.set(RANGES_KEY, ranges, RANGES_SECONDS)
    return ranges


def ranges_changed(**kwargs):
    """Signal receiver: forget the cached ranges now and once the transaction commits."""
    cache.delete(RANGES_KEY)
    transaction.on_commit(lambda: cache.delete(RANGES_KEY))


def institution_at(address, now=None):
    """The live institution whose network holds `address` (text), or None."""
    found = parse_address(address)
    if found is None:
        return None
    number = int(found)
    for version, first, last, institution in live_ranges():
        if version == found.version and first <= number <= last and institution.is_live(now):
            return institution
    return None


def request_institution(request, now=None):
    return institution_at(client_ip(request), now)
