"""The ZIP a new batch is answered with: codes.csv and a QR code per code (PNG and SVG), built in memory."""

import csv
import io
import zipfile
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.translation import override


def redeem_url(code, language):
    """The absolute link of the redeem page, in `language`, with `code` filled in."""
    with override(language):
        path = reverse("issuecodes:redeem")
    return f"{settings.SITE_URL}{path}?{urlencode({'code': code})}"


def batch_zip(batch, codes):
    """The bytes of the ZIP for `batch`'s `codes` (their text, given once by batch_create)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        table = io.StringIO()
        writer = csv.writer(table)
        writer.writerow(["code", "url"])
        for code in codes:
            url = redeem_url(code, batch.language)
            writer.writerow([code, url])
            qr = segno.make(url, error="m")
            png, svg = io.BytesIO(), io.BytesIO()
            qr.save(png, kind="png", scale=8, border=4)
            qr.save(svg, kind="svg", scale=8, border=4, xmldecl=True)
            archive.writestr(
                f"qr/{code}.png", png.getvalue(), compress_type=zipfile.ZIP_STORED
            )  # PNG: deflated already
            archive.writestr(f"qr/{code}.svg", svg.getvalue())
        archive.writestr("codes.csv", table.getvalue())
    return out.getvalue()


def zip_name(batch):
    return f"codes-{batch.issue.year}-{batch.issue.numbers}-batch-{batch.pk}.zip"
