"""Readings counted and sign-ins granted at the same moment (PostgreSQL)."""

import pytest

from institutions.models import InstitutionReading
from institutions.services import grants_on_sign_in, reading_count
from readers.models import AccessGrant
from tests.concurrency import run_together
from tests.factories import make_institution, make_reader


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readings_of_the_same_month_at_once_are_all_counted():
    institution = make_institution(ranges=["10.0.0.0/8"])

    def read():
        reading_count(institution)
        return "counted"

    assert run_together(read, times=4) == ["counted"] * 4
    assert InstitutionReading.objects.get().count == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_reader_signing_in_twice_at_once_gets_one_grant():
    make_institution(email_domains="mfa.uz")
    reader = make_reader(email="aziz@mfa.uz")

    def sign_in():
        return len(grants_on_sign_in(reader=reader))

    assert run_together(sign_in) == [1, 1]
    assert AccessGrant.objects.count() == 1
