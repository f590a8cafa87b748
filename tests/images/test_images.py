import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from images.processing import rendition_name, validate_image
from issues.models import Issue
from tests.factories import image_file

pytestmark = pytest.mark.django_db


def test_a_real_jpeg_passes():
    validate_image(image_file())


def test_a_text_file_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("cover.jpg", b"not an image at all"))
    assert error.value.code == "image_invalid"


def test_a_gif_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image(image_file("a.gif", fmt="GIF", size=(10, 10)))
    assert error.value.code == "image_format"


def test_an_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("a.svg", svg))


def test_a_20000_pixel_wide_image_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image(image_file("wide.png", fmt="PNG", size=(20000, 10)))
    assert error.value.code == "image_dimensions"


def test_an_oversized_file_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_image(image_file(size=(400, 400)))
    assert error.value.code == "image_too_large"


def test_saved_cover_is_renamed_stripped_of_metadata_and_has_renditions():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (41.0, 18.0, 0.0)}  # GPSInfo
    exif[0x010F] = "Camera maker"
    upload = image_file("my holiday.jpg", size=(1200, 800), exif=exif)
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get(0x010F) == "Camera maker"
    upload.seek(0)
    issue = Issue(year=2025, number_first=1, is_published=True)
    issue.cover.save(upload.name, upload, save=False)
    issue.save()
    issue.refresh_from_db()
    assert "holiday" not in issue.cover.name and issue.cover.name.endswith(".jpg")
    assert (issue.cover_width, issue.cover_height) == (1200, 800)
    with issue.cover.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()
    for width in (480, 960):
        assert issue.cover.storage.exists(rendition_name(issue.cover.name, width))
    assert not issue.cover.storage.exists(rendition_name(issue.cover.name, 1600))


def test_appended_payload_does_not_survive_reencoding():
    upload = image_file("poly.jpg", size=(300, 300))
    payload = upload.read() + b"<?php system($_GET['c']); ?>"
    issue = Issue(year=2025, number_first=2)
    issue.cover.save("poly.jpg", SimpleUploadedFile("poly.jpg", payload), save=False)
    issue.save()
    with issue.cover.open("rb") as stored:
        assert b"<?php" not in stored.read()
