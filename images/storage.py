"""Where uploaded media live: the local disk (MEDIA_ROOT) or an S3-compatible bucket.

Read by magazine/settings.py at start-up, so nothing here touches Django's settings. The bucket is
described either by one variable,

    MEDIA_STORAGE_URL=s3://[KEY:SECRET@]BUCKET[/PREFIX]?endpoint_url=…&region=…&public_url=…

or by the usual AWS_* variables (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME,
AWS_S3_CUSTOM_DOMAIN, AWS_S3_URL_PROTOCOL, AWS_LOCATION, AWS_S3_ADDRESSING_STYLE, AWS_DEFAULT_ACL).
Without a key in the URL, django-storages and boto3 find the credentials themselves
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or the machine's role).
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
URL_PARAMETERS = {"endpoint_url", "region", "public_url", "addressing_style", "acl"}
# Every stored file has a new generated name and never changes (images/processing.py): cache it for a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def media_storage_from_env(environ):
    """The STORAGES["default"] entry for the bucket the environment names, or None for the local disk."""
    url = environ.get("MEDIA_STORAGE_URL", "").strip()
    if url:
        bucket = _bucket_from_url(url)
    elif environ.get("AWS_STORAGE_BUCKET_NAME", "").strip():
        bucket = _bucket_from_aws_variables(environ)
    else:
        return None
    return {"BACKEND": S3_BACKEND, "OPTIONS": _s3_options(**bucket)}


def _bucket_from_url(url):
    parts = urlsplit(url)
    bucket = parts.netloc.rpartition("@")[2]
    if parts.scheme != "s3" or not bucket:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL must look like s3://bucket/prefix?endpoint_url=…&region=… "
            "(README, section Production)."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if unknown := sorted(set(query) - URL_PARAMETERS):
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE_URL has unknown parameters {unknown}; known: {sorted(URL_PARAMETERS)}."
        )
    public_url = query.get("public_url", "")
    return {
        "bucket": bucket,
        "location": unquote(parts.path.strip("/")),
        "access_key": unquote(parts.username or ""),
        "secret_key": unquote(parts.password or ""),
        "endpoint_url": query.get("endpoint_url", ""),
        "region": query.get("region", ""),
        "custom_domain": public_url.partition("//")[2].rstrip("/"),
        "url_protocol": public_url.partition("//")[0] or "https:",
        "addressing_style": query.get("addressing_style", ""),
        "acl": query.get("acl", ""),
    }


def _bucket_from_aws_variables(environ):
    return {
        "bucket": environ["AWS_STORAGE_BUCKET_NAME"].strip(),
        "location": environ.get("AWS_LOCATION", "").strip("/"),
        "access_key": "",  # django-storages reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY itself
        "secret_key": "",
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL", ""),
        "region": environ.get("AWS_S3_REGION_NAME", ""),
        "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN", "").rstrip("/"),
        "url_protocol": environ.get("AWS_S3_URL_PROTOCOL", "") or "https:",
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE", ""),
        "acl": environ.get("AWS_DEFAULT_ACL", ""),
    }


def _s3_options(
    *, bucket, location, access_key, secret_key, endpoint_url, region, custom_domain, url_protocol,
    addressing_style, acl,
):  # fmt: skip
    from botocore.config import Config

    if addressing_style not in ("", "path", "virtual"):
        raise ImproperlyConfigured(
            f"The S3 addressing style must be path or virtual, not {addressing_style!r}."
        )
    options = {
        "bucket_name": bucket,
        "location": location,
        # Media are public (covers and article images): plain URLs, the same for every reader, cacheable.
        "querystring_auth": False,
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        # A slow bucket must not hold an app server's workers for minutes.
        "client_config": Config(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4",
            s3={"addressing_style": addressing_style} if addressing_style else {},
        ),
        "url_protocol": url_protocol,
    }
    optional = {
        "access_key": access_key,
        "secret_key": secret_key,
        "endpoint_url": endpoint_url,
        "region_name": region,
        "custom_domain": custom_domain,
        "default_acl": acl,
    }
    return options | {name: value for name, value in optional.items() if value}


def public_read_policy(bucket):
    """The bucket policy media need (README, Production): anyone may get an object, nobody may list them."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def media_origin(storage):
    """The origin media URLs point at (for the Content-Security-Policy), or None for local media."""
    if storage is None:
        return None
    options = storage["OPTIONS"]
    if options.get("custom_domain"):
        host = options["custom_domain"].split("/", 1)[0]
        return f"{options['url_protocol']}//{host}"
    if options.get("endpoint_url"):
        endpoint = urlsplit(options["endpoint_url"])
        if options["client_config"].s3.get("addressing_style") == "virtual":
            return f"{endpoint.scheme}://{options['bucket_name']}.{endpoint.netloc}"
        return f"{endpoint.scheme}://{endpoint.netloc}"
    return f"https://{options['bucket_name']}.s3.amazonaws.com"
