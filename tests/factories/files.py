"""Files that tests upload or read: images, and the distribution office's CSV and Excel lists.

Word documents are in tests/factories/docx.py (`make_docx`).
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(*, size=(1200, 1600), color=(140, 28, 19), fmt="JPEG", exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def image_file(name="cover.jpg", *, size=(1200, 1600), color=(140, 28, 19), fmt="JPEG", exif=None):
    """An uploaded image, as a form or a FileField's save() takes it."""
    data = image_bytes(size=size, color=color, fmt=fmt, exif=exif)
    return SimpleUploadedFile(name, data, content_type=f"image/{fmt.lower()}")


def png_bytes(size=(40, 30), color=(20, 90, 160)):
    """A small PNG's bytes (the pictures inside Word documents)."""
    return image_bytes(size=size, color=color, fmt="PNG")


PRINT_LIST_HEADER = "subscriber number;name;email;postal code;start;end"


def csv_bytes(*lines, header=PRINT_LIST_HEADER, encoding="utf-8", sep=";"):
    """The distribution office's CSV list: `header`, then `lines` (fields joined by ";")."""
    text = "\r\n".join([header.replace(";", sep), *(line.replace(";", sep) for line in lines)]) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(rows):
    """An Excel workbook whose first sheet holds `rows`."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
