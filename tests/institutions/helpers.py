from datetime import timedelta

from django.utils import timezone

from institutions.models import Institution, InstitutionRange


def make_institution(*, ranges=(), **overrides):
    """An active institution from last month with no end, its `ranges` cleaned as the admin does."""
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
    row = InstitutionRange(institution=institution, text=text)
    row.full_clean()
    row.save()
    return row
