"""A loopback S3 server (moto in server mode, a separate process) and buckets on it for tests."""

import contextlib
import ctypes
import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import boto3

from images.storage import media_storage_from_env, public_read_policy

PR_SET_PDEATHSIG = 1
REGION = "us-east-1"
KEY = SECRET = "testing"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_with_parent():
    """In the child: on Linux, end with the test run even when it is killed before its clean-up."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def moto_server():
    """Start `python -m moto.server` on a free port; yield its endpoint URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=stop_with_parent,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moto's S3 server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(endpoint):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET
    )


def media_storage_url(endpoint, bucket):
    return f"s3://{KEY}:{SECRET}@{bucket}?endpoint_url={endpoint}&region={REGION}"


def use_new_bucket(settings, endpoint):
    """Create an empty bucket and make it the media storage, as MEDIA_STORAGE_URL would."""
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    s3 = client(endpoint)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
    storage = media_storage_from_env({"MEDIA_STORAGE_URL": media_storage_url(endpoint, bucket)})
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return SimpleNamespace(bucket=bucket, client=s3, endpoint=endpoint, keys=lambda: bucket_keys(s3, bucket))


def bucket_keys(s3, bucket):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))
