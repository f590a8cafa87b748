"""Making print subscriptions and the distribution office's files for the printsubscribers tests."""

import io
import itertools
from datetime import date

from printsubscribers.models import PrintSubscription

_seq = itertools.count(1)

HEADER = "subscriber number;name;email;postal code;start;end"


def make_subscription(**overrides):
    n = next(_seq)
    fields = {
        "number": f"S-{n:05d}",
        "name": f"Subscriber {n}",
        "email": "",
        "postal_code": "100017",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
    }
    return PrintSubscription.objects.create(**fields | overrides)


def csv_bytes(*lines, header=HEADER, encoding="utf-8", sep=";"):
    text = "\r\n".join([header.replace(";", sep), *(line.replace(";", sep) for line in lines)]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
