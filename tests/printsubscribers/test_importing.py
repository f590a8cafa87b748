"""Reading the distribution office's files: encodings, separators, days, postal codes, headers."""

from datetime import date

import pytest

from printsubscribers.import_files import ImportFileError, decode, read_csv, read_xlsx
from printsubscribers.importing import DayWidget, PostalCodeWidget
from printsubscribers.models import normalize_postal_code
from tests.factories import csv_bytes, xlsx_bytes

ROW = "1042;Dilnoza Karimova;dilnoza@example.uz;100 017;01.01.2026;31.12.2026"


@pytest.mark.parametrize(
    "data",
    [
        "Ёлка;а".encode(),
        "\ufeffЁлка;а".encode(),
        "Ёлка;а".encode("cp1251"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1251"],
)
def test_text_is_decoded_from_utf8_with_or_without_bom_or_from_windows_1251(data):
    assert decode(data) == "Ёлка;а"


@pytest.mark.parametrize("sep", [";", ","])
def test_semicolons_and_commas_both_separate_cells(sep):
    dataset = read_csv(csv_bytes(ROW, sep=sep))
    assert dataset.headers == ["subscriber number", "name", "email", "postal code", "start", "end"]
    assert dataset[0][0] == "1042" and dataset[0][3] == "100 017"


def test_a_windows_1251_file_with_russian_headers_is_read():
    header = "Номер подписчика;ФИО;Эл. почта;Индекс;Начало;Окончание"
    dataset = read_csv(
        csv_bytes("7;Ольга Петрова;;100000;01.01.2026;30.06.2026", header=header, encoding="cp1251")
    )
    assert dataset.headers[:2] == ["subscriber number", "name"] and dataset[0][1] == "Ольга Петрова"


def test_uzbek_headers_are_read():
    header = "Obunachi raqami;Ism;Email;Pochta indeksi;Boshlanishi;Tugashi"
    assert read_csv(csv_bytes(ROW, header=header)).headers[0] == "subscriber number"


def test_a_file_without_the_needed_columns_is_refused_with_their_names():
    with pytest.raises(ImportFileError, match="postal code"):
        read_csv(csv_bytes("1;a;b", header="number;name;start"))


@pytest.mark.parametrize("value", ["31.12.2026", "2026-12-31", " 31.12.2026 ", date(2026, 12, 31)])
def test_days_are_read_in_both_spellings(value):
    assert DayWidget().clean(value) == date(2026, 12, 31)


@pytest.mark.parametrize("value", ["31.13.2026", "tomorrow", "", "01.01.0001"])
def test_a_bad_day_is_refused(value):
    with pytest.raises(ValueError):
        DayWidget().clean(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("100 017", "100017"), (" ab1 2cd ", "AB12CD"), (100017, "100017")]
)
def test_postal_codes_lose_spaces_and_are_upper_cased(value, expected):
    assert normalize_postal_code(value) == expected
    assert PostalCodeWidget().clean(value) == expected


def test_an_xlsx_list_is_read_with_date_cells():
    data = xlsx_bytes(
        [
            ["Subscriber number", "Name", "Email", "Postal code", "Start", "End"],
            [1042, "D", None, 100017, date(2026, 1, 1), date(2026, 12, 31)],
            [None] * 6,
        ]
    )
    dataset = read_xlsx(data)
    assert len(dataset) == 1 and dataset[0][0] == 1042


@pytest.mark.parametrize(
    ("reader", "data"),
    [
        (read_xlsx, b"PK\x03\x04 this is not a workbook"),
        (read_xlsx, b"plain text pretending"),
        (read_csv, bytes(range(256)) * 10),
        (read_csv, b""),
    ],
    ids=["broken zip", "not a zip", "binary garbage", "empty"],
)
def test_hostile_files_are_refused_with_a_clear_error(reader, data):
    with pytest.raises(ImportFileError):
        reader(data)


def test_a_list_beyond_the_row_limit_is_refused(settings):
    settings.PRINTSUBS_IMPORT_MAX_ROWS = 10
    with pytest.raises(ImportFileError, match="more than 10 rows"):
        read_csv(csv_bytes(*[f"{n};a;;1;01.01.2026;02.01.2026" for n in range(11)]))
