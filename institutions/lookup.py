"""Which institution's network a request comes from, and which institutions list an address's domain.

The active institutions with their ranges and domains are few and read on every request, so they are
kept whole in the cache (until an institution or a range changes, or SNAPSHOT_SECONDS at most), loaded
in one query, and searched in memory. The client's address is guards.ratelimit.client_ip():
REMOTE_ADDR, or the trusted proxy's X-Forwarded-For entry.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from guards.ratelimit import client_ip
from issues.prepared import Prepared
from sitecache import first_read

from .models import Institution
from .ranges import parse_address

SNAPSHOT_KEY = "institutions:snapshot:1"
SNAPSHOT_SECONDS = 300
FIELDS = ["id", "name", "kind", "starts_on", "ends_on", "email_domains", "active"]


@dataclass(frozen=True)
class Snapshot:
    ranges: list  # [(version, first, last, institution)]
    institutions: list  # every active institution (their period is checked when asked)


def snapshot():
    """The active institutions and their ranges, from the cache or one query."""
    found = first_read(SNAPSHOT_KEY, cache.get)  # with the request's first round trip (apps.py)
    if found is None:
        institutions, ranges = {}, []
        for row in ACTIVE_RANGES():
            institution = institutions.get(row["id"])
            if institution is None:
                institution = institutions[row["id"]] = Institution(**{name: row[name] for name in FIELDS})
            if row["ranges__version"] is not None:
                first, last = int(row["ranges__start"], 16), int(row["ranges__end"], 16)
                ranges.append((row["ranges__version"], first, last, institution))
        found = Snapshot(ranges=ranges, institutions=list(institutions.values()))
        cache.set(SNAPSHOT_KEY, found, SNAPSHOT_SECONDS)
    return found


# Read on every request when no cache keeps the snapshot: built and compiled once per process.
ACTIVE_RANGES = Prepared(
    lambda now: (
        Institution.objects.filter(active=True)
        .order_by("pk", "ranges__start")
        .values(*FIELDS, "ranges__version", "ranges__start", "ranges__end")
    )
)


def snapshot_changed(**kwargs):
    """Signal receiver: forget the cached snapshot now and once the transaction commits."""
    cache.delete(SNAPSHOT_KEY)
    transaction.on_commit(lambda: cache.delete(SNAPSHOT_KEY))


def institution_at(address, now=None):
    """The live institution whose network holds `address` (text), or None."""
    found = parse_address(address)
    if found is None:
        return None
    number = int(found)
    for version, first, last, institution in snapshot().ranges:
        if version == found.version and first <= number <= last and institution.is_live(now):
            return institution
    return None


def request_institution(request, now=None):
    return institution_at(client_ip(request), now)


def institutions_listing(email):
    """The active institutions that list the domain of `email` (whatever their period)."""
    return [institution for institution in snapshot().institutions if institution.has_address(email)]
