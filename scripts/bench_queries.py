#!/usr/bin/env python
"""Print {page name: queries per request} for the bench URLs, measured in-process (JSON on stdout)."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from sitecache import local_copies  # noqa: E402


def count(client, path):
    client.get(path)  # the first request may compute the cache boundary; count the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


COLD_CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def main():
    urls = json.loads((ROOT / "var" / "bench" / f"urls-{sys.argv[1]}.json").read_text())
    cookies_file = ROOT / "var" / "bench" / f"cookies-{sys.argv[1]}.json"
    cookies = json.loads(cookies_file.read_text()) if cookies_file.exists() else {}
    client = Client(HTTP_HOST="127.0.0.1")
    result = {}
    for name, path in urls.items():
        visitor = client
        if name in cookies:  # a signed-in visitor (the article_reader rows)
            visitor = Client(HTTP_HOST="127.0.0.1")
            visitor.cookies.load(cookies[name])
        if name.endswith("_cached"):  # the shipped settings: page cache on
            with override_settings(PAGE_CACHE_SECONDS=3600, CACHES=settings.CACHES):
                result[name] = count(visitor, path)
        elif name.endswith("_cold"):
            local_copies.clear()
            local_copies.size, size = 0, local_copies.size
            with override_settings(FRAGMENT_CACHE_SECONDS=0, CACHES=COLD_CACHES):
                result[name] = count(client, path)
            local_copies.size = size
        else:
            result[name] = count(visitor, path)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
