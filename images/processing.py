"""Uploaded images: the one validator, clean re-encoding under generated names, and renditions.

Every stored image has been decoded and re-encoded by Pillow, so no metadata (GPS included),
no appended payload and no format other than JPEG, PNG or WebP survives an upload.
"""

import io
import logging
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)
ALLOWED_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def validate_image(file):
    """Refuse anything but a real JPEG, PNG or WebP within the size and pixel limits."""
    if getattr(file, "_committed", False):
        return  # already stored: it was checked and re-encoded when it was uploaded
    if file.size is not None and file.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)d MB); the limit is %(limit)d MB."),
            code="image_too_large",
            params={"size": file.size // 2**20, "limit": settings.IMAGE_MAX_BYTES // 2**20},
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            fmt, (width, height) = image.format, image.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Upload a JPEG, PNG or WebP image (this file is %(format)s)."),
                    code="image_format",
                    params={"format": fmt or _("unknown")},
                )
            if max(width, height) > settings.IMAGE_MAX_SIDE or width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The image is %(width)d×%(height)d pixels; the limit is %(side)d pixels a side."),
                    code="image_dimensions",
                    params={"width": width, "height": height, "side": settings.IMAGE_MAX_SIDE},
                )
            image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("The image has too many pixels."), code="image_bomb") from exc
    except Exception as exc:  # Pillow raises many types for broken files
        raise ValidationError(_("Upload a valid image: this file is not one."), code="image_invalid") from exc
    finally:
        file.seek(0)


def reencode(file):
    """Return (bytes, extension): the image decoded, turned upright and saved again without metadata."""
    file.seek(0)
    with Image.open(file) as image:
        fmt = image.format if image.format in ALLOWED_FORMATS else "JPEG"
        image = ImageOps.exif_transpose(image)
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        options = {
            "JPEG": {"quality": 88, "optimize": True},
            "PNG": {"optimize": True},
            "WEBP": {"quality": 85},
        }
        image.save(out, format=fmt, **options[fmt])
    return out.getvalue(), ALLOWED_FORMATS[fmt]


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-w{width}.webp"))


def rendition_widths(width):
    """The rendition widths that exist for an original `width` pixels wide."""
    widths = [w for w in settings.IMAGE_RENDITION_WIDTHS if w < (width or 0)]
    return widths or list(settings.IMAGE_RENDITION_WIDTHS[:1])


def make_renditions(storage, name):
    """Write a WebP rendition of the stored image `name` for every width in IMAGE_RENDITION_WIDTHS."""
    with storage.open(name, "rb") as source, Image.open(source) as image:
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        for width in rendition_widths(image.width):
            copy = image.copy()
            copy.thumbnail((width, width * 10))
            save_webp(storage, rendition_name(name, width), copy)


def save_webp(storage, name, image):
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=80, method=4)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(out.getvalue()))


def crop_name(name, size, focus):
    """The crop of `name` to `size` (w, h) around `focus` (x %, y %): a new name for every focal point."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-c{size[0]}x{size[1]}-f{focus[0]}x{focus[1]}.webp"))


def crop_box(width, height, size, focus):
    """The largest box of `size`'s proportions inside width×height, centred on `focus` where it fits."""
    ratio = size[0] / size[1]
    box_w, box_h = (
        (width, round(width / ratio)) if width / height <= ratio else (round(height * ratio), height)
    )
    centre_x, centre_y = width * focus[0] / 100, height * focus[1] / 100
    left = min(max(0, round(centre_x - box_w / 2)), width - box_w)
    top = min(max(0, round(centre_y - box_h / 2)), height - box_h)
    return left, top, left + box_w, top + box_h


def make_crops(field_file, focus):
    """Write the IMAGE_CROPS renditions of a stored image around `focus`, those not written yet.

    A missing or unreadable original is logged and skipped: the page then shows the plain renditions.
    """
    storage, name = field_file.storage, field_file.name
    missing = [
        size for size in settings.IMAGE_CROPS.values() if not storage.exists(crop_name(name, size, focus))
    ]
    if not missing:
        return
    try:
        with storage.open(name, "rb") as source, Image.open(source) as image:
            image = image.convert("RGB")
            for size in missing:
                cropped = image.crop(crop_box(image.width, image.height, size, focus))
                cropped.thumbnail(size)
                save_webp(storage, crop_name(name, size, focus), cropped)
    except (OSError, Image.UnidentifiedImageError):
        logger.warning("No crops for %s: the stored image cannot be read.", name, exc_info=True)


def thumbnail_url(field_file, focus):
    """The URL of the admin's small picture of an image: its square crop, or its smallest rendition."""
    if not field_file:
        return ""
    if focus:
        return field_file.storage.url(crop_name(field_file.name, settings.IMAGE_CROPS["thumb"], focus))
    return field_file.storage.url(rendition_name(field_file.name, settings.IMAGE_RENDITION_WIDTHS[0]))


def store_image(file, folder):
    """Store an upload checked by validate_image as an image field would; return the stored name."""
    data, extension = reencode(file)
    name = default_storage.save(UploadTo(folder)(None, f"image{extension}"), ContentFile(data))
    make_renditions(default_storage, name)
    return name


@deconstructible
class UploadTo:
    """A generated, unguessable file name under `folder/<year>/`, whatever the uploader called it."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        from django.utils import timezone

        suffix = PurePosixPath(filename).suffix.lower()
        return f"{self.folder}/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.folder == self.folder


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the re-encoded image under a generated name, then write its renditions."""
        data, extension = reencode(content)
        name = str(PurePosixPath(name or "image").with_suffix(extension))
        super().save(name, ContentFile(data, name=name), save=save)
        make_renditions(self.storage, self.name)


class CleanImageField(models.ImageField):
    """An ImageField that validates, re-encodes without metadata, and writes renditions on save."""

    attr_class = CleanImageFieldFile

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)
        if validate_image not in self.validators:
            self.validators.append(validate_image)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if kwargs.get("max_length") == 255:
            kwargs.pop("max_length")
        return name, path, args, kwargs
