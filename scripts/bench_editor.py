#!/usr/bin/env python
"""An editor for `make bench`'s edit_storm row: saves one random article a second through the admin.

Each save is what a browser does: open the article's change page, take the form as it stands, type
a new lead and post it, so it runs the admin's whole path (form, inlines, revisions, search index,
cache topics). Runs in its own process with the server's settings until killed or for the seconds
given; prints the number of saves and their median time as JSON when it stops.
"""

import json
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "magazine.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from tests.html_forms import admin_change_url, read_form  # noqa: E402
from tests.staff_login import force_login_verified  # noqa: E402

stopping = []
signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3600
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    force_login_verified(client, editor)
    pks = list(Article.objects.published().values_list("pk", flat=True))
    rng, durations, failures = random.Random(), [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stopping:
        started = time.monotonic()
        article = Article.objects.get(pk=rng.choice(pks))
        page = client.get(admin_change_url(article))
        data = read_form(page.content.decode(), "article_form").entries(submitter="_save")
        data["lead"] = f"Edited at {time.time():.3f}. {article.lead[:200]}"
        answer = client.post(admin_change_url(article), data)
        if answer.status_code != 302:
            failures += 1
        durations.append(time.monotonic() - started)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
    median = statistics.median(durations) * 1000 if durations else 0
    print(json.dumps({"saves": len(durations), "failures": failures, "median_ms": round(median, 1)}))


if __name__ == "__main__":
    main()
