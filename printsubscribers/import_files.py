"""Reading the distribution office's file (CSV or XLSX) into rows with the resource's columns.

Real files come from Excel and 1C: UTF-8 with or without a BOM or Windows-1251, `;` or `,` between
cells, headers in English, Russian or Uzbek. Here the file becomes a tablib Dataset with canonical
column names, or is refused as a whole with one clear message (ImportFileError). What the cells mean
(numbers, postal codes, days, addresses) is printsubscribers/importing.py's job.
"""

import csv
import io
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext as _, gettext_lazy
from import_export.formats.base_formats import CSV, XLSX

MAX_BYTES = 20 * 1024 * 1024

# Canonical column -> the headers it may have in a file (compared lower-cased, spaces squeezed).
COLUMNS = {
    "number": [
        "subscriber number",
        "number",
        "subscription number",
        "no",
        "№",
        "номер подписчика",
        "номер",
        "номер подписки",
        "подписной номер",
        "obunachi raqami",
        "raqam",
        "raqami",
        "obuna raqami",
    ],
    "name": [
        "name",
        "full name",
        "subscriber",
        "фио",
        "ф.и.о.",
        "имя",
        "подписчик",
        "ism",
        "f.i.sh.",
        "fish",
        "obunachi",
        "ism familiya",
    ],
    "email": [
        "email",
        "e-mail",
        "mail",
        "эл. почта",
        "электронная почта",
        "почта",
        "e-pochta",
        "elektron pochta",
    ],
    "postal_code": [
        "postal code",
        "postcode",
        "zip",
        "index",
        "индекс",
        "почтовый индекс",
        "pochta indeksi",
        "indeks",
    ],
    "starts_on": [
        "start",
        "starts",
        "from",
        "first day",
        "начало",
        "с",
        "дата начала",
        "boshlanishi",
        "boshlanish sanasi",
        "dan",
    ],
    "ends_on": [
        "end",
        "ends",
        "until",
        "to",
        "last day",
        "конец",
        "окончание",
        "по",
        "дата окончания",
        "tugashi",
        "tugash sanasi",
        "gacha",
    ],
}
REQUIRED = ["number", "postal_code", "starts_on", "ends_on"]
HEADER_OF = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
# The resource's column names (what the preview shows): the English headers.
COLUMN_NAME = {
    "number": "subscriber number",
    "name": "name",
    "email": "email",
    "postal_code": "postal code",
    "starts_on": "start",
    "ends_on": "end",
}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, for the manager."""


def max_rows():
    return getattr(settings, "PRINTSUBS_IMPORT_MAX_ROWS", 50_000)


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), else Windows-1251."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a text file. Choose a CSV or an XLSX file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="strict")


def delimiter(text: str) -> str:
    """`;` or `,` (or a tab): the one the header line uses most."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def header_key(value):
    return " ".join(str(value or "").replace("\ufeff", "").split()).lower().rstrip(":")


def canonical(headers, rows) -> tablib.Dataset:
    """A Dataset with the file's headers renamed to the resource's columns; unknown columns dropped."""
    names = [HEADER_OF.get(header_key(header)) for header in headers]
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        labels = ", ".join(str(COLUMN_LABELS[column]) for column in missing)
        raise ImportFileError(
            _("The file has no column for: %(columns)s. The first line must name the columns.")
            % {"columns": labels}
        )
    keep = [(i, name) for i, name in enumerate(names) if name and name not in names[:i]]
    dataset = tablib.Dataset(headers=[COLUMN_NAME[name] for _, name in keep])
    for count, row in enumerate(rows, start=1):
        if count > max_rows():
            raise ImportFileError(
                _("The file has more than %(limit)d rows. Split it into smaller files.")
                % {"limit": max_rows()}
            )
        values = list(row)
        if all(value is None or str(value).strip() == "" for value in values):
            continue  # blank lines at the end of a sheet
        values += [None] * (len(names) - len(values))
        dataset.append([values[i] for i, _ in keep])
    return dataset


COLUMN_LABELS = {
    "number": gettext_lazy("subscriber number"),
    "name": gettext_lazy("name"),
    "email": gettext_lazy("email"),
    "postal_code": gettext_lazy("postal code"),
    "starts_on": gettext_lazy("start"),
    "ends_on": gettext_lazy("end"),
}


def read_csv(data) -> tablib.Dataset:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20})
    try:
        text = decode(data)
    except UnicodeDecodeError as error:
        raise ImportFileError(_("This file is neither UTF-8 nor Windows-1251 text.")) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
        headers = next(reader)
        return canonical(headers, reader)
    except csv.Error as error:
        raise ImportFileError(_("This CSV file cannot be read: %(error)s") % {"error": error}) from error


def read_xlsx(data) -> tablib.Dataset:
    import openpyxl

    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20})
    if isinstance(data, str) or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("This is not an XLSX file (an Excel workbook). Save it as .xlsx or CSV."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book.active.iter_rows(values_only=True)
        headers = next(rows, None)
        if headers is None:
            raise ImportFileError(_("The file is empty."))
        return canonical(headers, rows)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise ImportFileError(
            _("This XLSX file cannot be read. Save it again in Excel as .xlsx, or as CSV.")
        ) from error


class SubscriptionsCSV(CSV):
    """CSV read as bytes and decoded here (UTF-8, BOM, Windows-1251), `;` or `,` found by looking."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)


class SubscriptionsXLSX(XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)
