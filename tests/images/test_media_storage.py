"""Media on an S3-compatible bucket: moto's S3 server runs in its own process on loopback (tests/s3.py)."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from articles.models import Article
from backups.archive import backup_restore, backup_write
from images.processing import crop_name, rendition_name
from images.storage import MEDIA_CACHE_CONTROL, media_origin, media_storage_from_env
from issues.models import Issue
from tests.articles.test_admin import article_form, block_formset
from tests.factories import image_file, make_issue
from tests.s3 import use_new_bucket

ROOT = Path(__file__).resolve().parents[2]


def test_a_media_storage_url_names_bucket_prefix_endpoint_region_and_keys():
    storage = media_storage_from_env(
        {
            "MEDIA_STORAGE_URL": "s3://AK:s%2Fcret@mag-media/site/media?endpoint_url=http://127.0.0.1:9000"
            "&region=eu-central-1&public_url=https://cdn.example.org/media&addressing_style=path"
        }
    )
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["location"]) == ("mag-media", "site/media")
    assert (options["access_key"], options["secret_key"]) == ("AK", "s/cret")
    assert (options["endpoint_url"], options["region_name"]) == ("http://127.0.0.1:9000", "eu-central-1")
    assert (options["custom_domain"], options["url_protocol"]) == ("cdn.example.org/media", "https:")
    assert options["querystring_auth"] is False
    assert options["object_parameters"] == {"CacheControl": MEDIA_CACHE_CONTROL}
    assert media_origin(storage) == "https://cdn.example.org"


def test_the_usual_aws_variables_configure_the_same_storage():
    storage = media_storage_from_env(
        {
            "AWS_STORAGE_BUCKET_NAME": "mag-media",
            "AWS_S3_ENDPOINT_URL": "https://fra1.digitaloceanspaces.com",
            "AWS_S3_REGION_NAME": "fra1",
            "AWS_S3_ADDRESSING_STYLE": "virtual",
            "AWS_ACCESS_KEY_ID": "read-by-django-storages-itself",
        }
    )
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "mag-media" and options["region_name"] == "fra1"
    assert "access_key" not in options
    assert media_origin(storage) == "https://mag-media.fra1.digitaloceanspaces.com"


def test_without_a_bucket_media_stay_on_the_local_disk():
    assert media_storage_from_env({"MEDIA_STORAGE_URL": " ", "AWS_ACCESS_KEY_ID": "x"}) is None
    assert media_origin(None) is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://bucket/media", "must look like s3://"),
        ("s3://?region=x", "must look like s3://"),
        ("s3://bucket?regoin=x", "unknown parameters ['regoin']"),
        ("s3://bucket?addressing_style=sideways", "path or virtual"),
    ],
)
def test_a_malformed_media_storage_url_stops_start_up_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace("]", r"\]")):
        media_storage_from_env({"MEDIA_STORAGE_URL": url})


def test_production_settings_with_a_bucket_allow_its_images_in_the_content_security_policy():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "SECRET_KEY": "x" * 60,
        "MEDIA_STORAGE_URL": "s3://mag-media?endpoint_url=https://s3.example.org&region=x",
    }
    code = "from django.conf import settings as s; print(s.SECURE_CSP['img-src'], s.STORAGES['default'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "'https://s3.example.org'" in result.stdout and "S3Storage" in result.stdout


@pytest.mark.django_db
def test_a_cover_uploaded_through_the_admin_lands_in_the_bucket_with_its_renditions(
    s3_media, editor_client, settings
):
    data = {
        "year": "2025",
        "number_first": "3",
        "theme": "Water",
        "cover": image_file("cover.jpg", size=(1200, 1600)),
        "cover_alt": "A river",
        "is_published": "on",
        "articles-TOTAL_FORMS": "0",
        "articles-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/magazine/issue/add/", data)
    assert response.status_code == 302
    cover = Issue.objects.get().cover.name
    expected = [cover] + [rendition_name(cover, width) for width in (480, 960)]
    expected += [crop_name(cover, size, (50, 50)) for size in settings.IMAGE_CROPS.values()]  # focal crops
    assert s3_media.keys() == sorted(expected)
    assert not Path(cover).exists() and cover.startswith("covers/")


@pytest.mark.django_db
def test_an_image_block_saved_through_the_admin_lands_in_the_bucket(s3_media, editor_client):
    data = article_form(title="Pictures") | block_formset([("image", "")])
    data |= {
        "blocks-0-image": image_file("photo.png", size=(700, 500), fmt="PNG"),
        "blocks-0-image_alt": "A dam",
    }
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    image = Article.objects.get(title="Pictures").blocks.get().image.name
    assert s3_media.keys() == sorted([image, rendition_name(image, 480)])
    head = s3_media.client.head_object(Bucket=s3_media.bucket, Key=image)
    assert head["ContentType"] == "image/png" and head["CacheControl"] == MEDIA_CACHE_CONTROL


@pytest.mark.django_db
def test_the_issue_page_shows_bucket_urls_that_serve_the_renditions_with_long_caching(s3_media, client):
    issue = make_issue(year=2025, number_first=4)
    issue.cover.save("c.jpg", image_file(size=(1000, 1400)), save=True)
    page = client.get(issue.get_absolute_url()).content.decode()
    url = f"{s3_media.endpoint}/{s3_media.bucket}/{rendition_name(issue.cover.name, 480)}"
    assert url in page
    with urllib.request.urlopen(url, timeout=10) as answer:  # as a reader's browser fetches it
        assert answer.status == 200
        assert answer.headers["Cache-Control"] == MEDIA_CACHE_CONTROL
        assert answer.headers["Content-Type"] == "image/webp"
        assert answer.read(12)[8:12] == b"WEBP"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_from_a_bucket_restores_every_file_into_an_empty_bucket(s3_media, settings, tmp_path):
    issue = make_issue(year=2025, number_first=5)
    issue.cover.save("c.jpg", image_file(), save=True)
    originals = {
        key: s3_media.client.get_object(Bucket=s3_media.bucket, Key=key)["Body"].read()
        for key in s3_media.keys()
    }
    archive = tmp_path / "site.tar.gz"
    # The cover, its two renditions (the 1200 px image gets 480 and 960) and its two focal crops.
    assert backup_write(archive)["media_files"] == len(originals) == 5

    ContentType.objects.clear_cache()
    call_command("flush", interactive=False, verbosity=0)
    restored = use_new_bucket(settings, s3_media.endpoint)
    backup_restore(archive)

    assert Issue.objects.get().cover.name == issue.cover.name
    assert restored.keys() == sorted(originals)
    for key, data in originals.items():
        stored = restored.client.get_object(Bucket=restored.bucket, Key=key)
        assert stored["Body"].read() == data
        assert stored["CacheControl"] == MEDIA_CACHE_CONTROL
