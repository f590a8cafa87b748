"""/healthz and /readyz for the load balancer.

/healthz says the process answers (nothing else is touched); /readyz says this app server can serve
readers: the database, the cache, the media storage and the task queue respond. Both are answered by
a middleware near the top, before the HTTPS redirect, the host check, the page cache, sessions and
languages: a balancer probes each app server over plain HTTP by its address, and the answer must
never be a redirect, a stored page or a 400 for an unknown Host. The public gets a status and one
word; what failed, and why, goes to the log with the request id.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
_readiness_checks = {}


def readiness_check(name):
    """Register a function as a readiness check; it raises (or returns False) when not ready.

    Another app adds its own from AppConfig.ready() with `health.readiness_check("name")(function)`.
    """

    def register(function):
        _readiness_checks[name] = function
        return function

    return register


@readiness_check("database")
def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


@readiness_check("cache")
def check_cache():
    key = f"readyz:{os.getpid()}"
    value = str(time.monotonic())
    cache.set(key, value, timeout=30)
    return cache.get(key) == value


@readiness_check("media storage")
def check_media_storage():
    storage = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if bucket:  # S3: the bucket answers to our credentials
        probe_client(storage).head_bucket(Bucket=bucket)
        return True
    folder = Path(storage.location)
    while not folder.exists():  # the first upload creates MEDIA_ROOT: its parent must be writable
        folder = folder.parent
    return os.access(folder, os.W_OK)


def probe_client(storage):
    """A client of the storage's bucket that gives up within seconds (a probe must not hold a worker)."""
    from botocore.config import Config

    client = getattr(storage, "_readiness_client", None)
    if client is None:
        config = storage.client_config.merge(
            Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1})
        )
        client = storage._create_session().client(
            "s3",
            region_name=storage.region_name,
            endpoint_url=storage.endpoint_url,
            use_ssl=storage.use_ssl,
            verify=storage.verify,
            config=config,
        )
        storage._readiness_client = client
    return client


@readiness_check("task queue")
def check_task_queue():
    """The queue's table answers (django-tasks-db); a deep queue is logged, not a reason to stop serving.

    Readers are served by app servers, letters by workers: refusing readers because the workers lag
    would turn a delay into an outage.
    """
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().count()
    if waiting > settings.READYZ_TASK_QUEUE_WARN:
        logger.warning("The task queue holds %d tasks ready to run; are the workers running?", waiting)
    return True


def failed_checks():
    """Names of the readiness checks that failed; each failure is logged with its reason."""
    failed = []
    for name, check in _readiness_checks.items():
        try:
            ok = check()
        except Exception as exc:  # any failure of a dependency means "not ready"
            logger.error("Readiness check %r failed: %s: %s", name, type(exc).__name__, exc)
            ok = None
        if ok is False:
            logger.error("Readiness check %r failed", name)
        if not ok:
            failed.append(name)
    return failed


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before anything else runs (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in (HEALTH_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if request.path == READY_PATH and failed_checks():
            response = HttpResponse("unavailable", status=503, content_type="text/plain; charset=utf-8")
        else:
            response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
        add_never_cache_headers(response)
        return response
