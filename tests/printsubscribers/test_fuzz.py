"""Arbitrary input thrown at the activation form, the file readers and the import of a row."""

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from printsubscribers.import_files import ImportFileError, read_csv, read_xlsx
from printsubscribers.importing import PrintSubscriptionResource
from printsubscribers.models import PrintSubscription
from tests.factories import PRINT_LIST_HEADER, csv_bytes, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]
SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=SUPPRESSED)
@given(number=TEXT, postal_code=TEXT)
def test_the_activation_form_answers_anything_below_500(client, settings, number, postal_code):
    settings.PRINTSUBS_ACTIVATE_PER_READER = settings.PRINTSUBS_ACTIVATE_PER_IP = 10_000
    sign_in_as(client, make_reader())
    response = client.post("/en/account/print-subscription/", {"number": number, "postal_code": postal_code})
    assert response.status_code in (302, 400)


@hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=SUPPRESSED)
@given(data=st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_clear_error(data):
    for reader in (read_csv, read_xlsx):
        try:
            reader(data)
        except ImportFileError:
            pass


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=SUPPRESSED)
@given(
    cells=st.lists(
        TEXT.filter(
            lambda t: "\x00" not in t and ";" not in t and "\n" not in t and "\r" not in t and '"' not in t
        ),
        min_size=6,
        max_size=6,
    )
)
def test_any_row_is_imported_or_listed_as_invalid_never_an_error(cells):
    dataset = read_csv(csv_bytes(";".join(cells), header=PRINT_LIST_HEADER))
    result = PrintSubscriptionResource().import_data(dataset, dry_run=True)
    assert not result.has_errors(), [error.error for _, errors in result.row_errors() for error in errors]
    assert not PrintSubscription.objects.exists()
