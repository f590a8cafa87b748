"""The magazine's audience for tests: readers and their access, subscribers, print subscriptions,
institutions and issue codes."""

from datetime import date, timedelta

from django.utils import timezone

from tests.factories._sequence import next_number
from tests.factories.content import make_issue


def make_reader(**overrides):
    """A reader who has signed in before (a verified address)."""
    from readers.models import Reader

    n = next_number()
    fields = {"email": f"reader{n}@example.org", "language": "en", "verified_at": timezone.now()}
    return Reader.objects.create(**fields | overrides)


def make_grant(*, reader=None, issues=(), **overrides):
    """A complimentary grant, from yesterday with no end unless overridden; `issues` makes it per issue."""
    from readers.models import AccessGrant

    fields = {
        "reader": reader or make_reader(),
        "starts_at": timezone.now() - timedelta(days=1),
        "scope": AccessGrant.Scope.ISSUES if issues else AccessGrant.Scope.EVERYTHING,
    }
    grant = AccessGrant.objects.create(**fields | overrides)
    if issues:
        grant.issues.set(issues)
    return grant


def make_subscriber(**overrides):
    """A confirmed subscriber to the issue announcements."""
    from subscriptions.models import Subscriber

    n = next_number()
    fields = {"email": f"reader{n}@example.org", "language": "en", "status": Subscriber.Status.CONFIRMED}
    return Subscriber.objects.create(**fields | overrides)


def make_subscription(**overrides):
    """A print subscription for 2026, as the distribution office's list gives it."""
    from printsubscribers.models import PrintSubscription

    n = next_number()
    fields = {
        "number": f"S-{n:05d}",
        "name": f"Subscriber {n}",
        "email": "",
        "postal_code": "100017",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
    }
    return PrintSubscription.objects.create(**fields | overrides)


def make_institution(*, ranges=(), **overrides):
    """An active institution from last month with no end, its `ranges` cleaned as the admin does."""
    from institutions.models import Institution

    fields = {
        "name": "Ministry of Foreign Affairs",
        "kind": Institution.Kind.MINISTRY,
        "starts_on": timezone.localdate() - timedelta(days=30),
    }
    institution = Institution(**fields | overrides)
    institution.full_clean()
    institution.save()
    for text in ranges:
        make_range(institution, text)
    return institution


def make_range(institution, text):
    """One address range of `institution` (an address, a CIDR block or a first-last span)."""
    from institutions.models import InstitutionRange

    row = InstitutionRange(institution=institution, text=text)
    row.full_clean()
    row.save()
    return row


def make_batch(*, issue=None, **overrides):
    """A saved batch of two single-use codes unless overridden; returns (batch, [code text, ...])."""
    from issuecodes.models import CodeBatch
    from issuecodes.services import batch_create

    fields = {"issue": issue or make_issue(), "kind": CodeBatch.Kind.SINGLE_USE, "count": 2, "language": "en"}
    batch = CodeBatch(**fields | overrides)
    return batch, batch_create(batch=batch)
