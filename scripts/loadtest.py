#!/usr/bin/env python
"""`make loadtest`: 20 clients read, comment and subscribe against gunicorn on PostgreSQL while the
database is restarted; then every accepted write is checked to be stored exactly once.

LOADTEST_SECONDS (default 60) bounds the run; LOADTEST_DATABASE_URL overrides the database
(default: DATABASE_URL's server, database `magazine_loadtest`). All traffic stays on 127.0.0.1.
"""

import http.client
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import (  # noqa: E402
    ensure_postgres_database,
    manage_json,
    production_environment,
    start_gunicorn,
    stop,
)

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
OUT = ROOT / "var" / "loadtest"
CLIENTS = 20
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RENDERED_AT = re.compile(r'name="rendered_at" value="([^"]*)"')
# In deploy/nginx/errors/503.html: the friendly 503 that nginx itself answers (make scaletest).
PROXY_PAGE_MARK = "proxy-unavailable"
# A request under way on a server that is killed is cut off; its answer ends within this many seconds.
CUT_OFF_SECONDS = 2


def database_url():
    if os.environ.get("LOADTEST_DATABASE_URL"):
        return os.environ["LOADTEST_DATABASE_URL"]
    base = urllib.parse.urlsplit(
        os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/magazine"
    )
    if not base.scheme.startswith("postgres"):
        raise SystemExit("make loadtest needs PostgreSQL (set DATABASE_URL or LOADTEST_DATABASE_URL).")
    return urllib.parse.urlunsplit(base._replace(path="/magazine_loadtest"))


def environment(url):
    return production_environment(
        url,
        OUT,
        CONN_MAX_AGE="60",
        REDIS_URL=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14"),
        # Generous limits so that most writes are accepted; the refusals that remain must be 4xx.
        COMMENTS_RATE_PER_IP="400",
        COMMENTS_RATE_PER_EMAIL="50",
        SUBSCRIPTIONS_SUBSCRIBE_LIMIT="400",
    )


def prepare(env):
    OUT.mkdir(parents=True, exist_ok=True)
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
        ["seed_demo"],
    ):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], capture_output=True)
    return manage_json(env, SNIPPET_URLS)


SNIPPET_URLS = """
import json
from django.utils.translation import override
from articles.models import Article
from issues.models import Issue
with override('uz'):
    articles = [a.get_absolute_url() for a in Article.objects.published().filter(comments_open=True)[:15]]
    pages = ['/uz/', '/uz/issues/', Issue.objects.published().first().get_absolute_url(), '/uz/search/?q=suv',
             '/uz/feeds/rss/', '/ru/', '/en/events/', '/sitemap.xml']
print(json.dumps({'articles': articles, 'pages': pages}))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base, ssl_context=None):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            urllib.request.HTTPSHandler(context=ssl_context),
            NoRedirect(),
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:  # refused, reset, or an answer cut off
            return 0, f"{type(error).__name__}: {error}"


def client_loop(base, urls, deadline, results, lock, ssl_context=None):
    client, rng = Client(base, ssl_context), random.Random()
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.6:
            status, html = client.request(rng.choice(urls["pages"] + urls["articles"]))
            record = ("read", None, status, reason_of(html) if status >= 500 or status == 0 else "")
        elif roll < 0.8:
            article = rng.choice(urls["articles"])
            status, html = client.request(article)
            token, stamp = CSRF.search(html), RENDERED_AT.search(html)
            if status != 200 or not token:
                record = ("read", None, status, reason_of(html) if status >= 500 or status == 0 else "")
            else:
                marker = uuid.uuid4().hex
                slug = article.rstrip("/").rsplit("/", 1)[-1]
                status, html = client.request(
                    f"/uz/articles/{slug}/comments/",
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "author_name": "Load tester",
                        "author_email": f"load-{marker[:8]}@example.org",
                        "body": f"Load test comment {marker}",
                        "rendered_at": stamp.group(1) if stamp else "",
                    },
                )
                record = ("comment", marker, status, reason_of(html))
        else:
            status, html = client.request("/uz/subscribe/")
            token = CSRF.search(html)
            if status != 200 or not token:
                record = ("read", None, status, reason_of(html) if status >= 500 or status == 0 else "")
            else:
                marker = uuid.uuid4().hex
                status, html = client.request(
                    "/uz/subscribe/",
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "email": f"sub-{marker}@example.org",
                        "language": "uz",
                    },
                )
                record = ("subscribe", marker, status, reason_of(html))
        with lock:
            results.append((time.monotonic(), *record))


def reason_of(html):
    if not html.lstrip().startswith("<"):  # no page: what the client could not read
        return html[:80]
    if PROXY_PAGE_MARK in html:
        return "nginx: no app server answered"
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip()[:80] if match else ""


def restart_postgres():
    clusters = sorted(Path("/etc/postgresql").glob("*/main")) if Path("/etc/postgresql").exists() else []
    if clusters and os.geteuid() == 0:
        version = clusters[-1].parent.name
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 0:
            return "restarted PostgreSQL " + version
    sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'magazine_loadtest'"
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], capture_output=True)
    return "terminated the site's PostgreSQL connections"


def verify(env, results):
    comments = [r for r in results if r[1] == "comment"]
    subscriptions = [r for r in results if r[1] == "subscribe"]
    snippet = (
        "import json,sys\n"
        "from comments.models import Comment\nfrom subscriptions.models import Subscriber\n"
        "print(json.dumps({'comments': [c.body.rsplit(' ', 1)[-1] for c in "
        "Comment.objects.filter(body__startswith='Load test comment')], "
        "'subscribers': [s.email[4:36] for s in Subscriber.objects.filter(email__startswith='sub-')]}))"
    )
    stored = manage_json(env, snippet)
    report = {}
    for name, rows, stored_markers, accepted in (
        ("comments", comments, Counter(stored["comments"]), {302}),
        ("subscriptions", subscriptions, Counter(stored["subscribers"]), {302}),
    ):
        accepted_markers = [r[2] for r in rows if r[3] in accepted]
        refused = [r for r in rows if r[3] not in accepted]
        report[name] = {
            "attempted": len(rows),
            "accepted": len(accepted_markers),
            "refused": dict(Counter(r[3] for r in refused)),
            "refusal_reasons": dict(Counter(r[4] for r in refused)),
            "accepted_stored_once": sum(1 for m in accepted_markers if stored_markers[m] == 1),
            "accepted_lost": sum(1 for m in accepted_markers if stored_markers[m] == 0),
            "stored_twice": sum(1 for m in accepted_markers if stored_markers[m] > 1),
            "refused_but_stored": sum(1 for r in refused if stored_markers[r[2]] > 0 and r[3] >= 400),
            # Cut off before any answer (a killed server): the write may or may not have been stored.
            "cut_off_and_stored": sum(1 for r in refused if stored_markers[r[2]] > 0 and r[3] == 0),
        }
    return report


def run_load(base, urls, *, seconds, faults, ssl_context=None):
    """CLIENTS clients for `seconds`; each fault (fraction of the run, callable) runs at its moment.

    Return (results, faults_done): results are (time, kind, marker, status, reason) rows; faults_done
    says what each fault did, when, and when the last 5xx after it came (before the next fault).
    """
    results, lock = [], threading.Lock()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=client_loop, args=(base, urls, deadline, results, lock, ssl_context))
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    faults_done = []
    for fraction, fault in sorted(faults, key=lambda item: item[0]):
        time.sleep(max(0.0, started + seconds * fraction - time.monotonic()))
        at = time.monotonic()
        faults_done.append({"fault": fault(), "at_s": round(at - started, 1)})
    for thread in threads:
        thread.join()
    results = [(r[0] - started, *r[1:]) for r in results]  # seconds since the start
    # Until the next fault (or the end), when did the last answer with a 5xx come?
    moments = sorted({done["at_s"] for done in faults_done}) + [seconds + 30]
    for done in faults_done:
        until = next(moment for moment in moments if moment > done["at_s"])
        errors = [r[0] for r in results if (r[3] >= 500 or r[3] == 0) and done["at_s"] <= r[0] < until]
        done["last_5xx_after_s"] = round(max(errors) - done["at_s"], 1) if errors else 0.0
    return results, faults_done


def summarize(env, results, faults_done, seconds, *, crashes=()):
    """The figures of a run, with every accepted write checked in the database.

    `crashes` are the moments (seconds) a server was killed: requests under way on it are cut off, and
    a cut-off answer within CUT_OFF_SECONDS of a crash is counted apart from other connection errors.
    """
    statuses = Counter(r[3] for r in results)
    cut_off = [r for r in results if r[3] == 0 and any(0 <= r[0] - at <= CUT_OFF_SECONDS for at in crashes)]
    server_errors = [r for r in results if r[3] >= 500 and r[3] != 503]
    unavailable = [r for r in results if r[3] == 503]
    return {
        "seconds": seconds,
        "clients": CLIENTS,
        "requests": len(results),
        "statuses": dict(sorted(statuses.items())),
        "faults": faults_done,
        "503_friendly": len(unavailable),
        "503_reasons": dict(Counter(r[4] for r in unavailable)),
        "other_5xx": len(server_errors),
        "connection_errors": statuses.get(0, 0) - len(cut_off),
        "cut_off_by_a_crash": len(cut_off),
        "cut_off_reasons": dict(Counter(r[4].split(":")[0] for r in cut_off)),
        "error_rate": round(
            (len(server_errors) + len(unavailable) + statuses.get(0, 0)) / max(len(results), 1), 4
        ),
        **verify(env, results),
    }


def failures(report):
    """What makes a run fail: any 5xx but the friendly 503, a connection error, a lost or doubled write."""
    lost = report["comments"]["accepted_lost"] + report["subscriptions"]["accepted_lost"]
    twice = report["comments"]["stored_twice"] + report["subscriptions"]["stored_twice"]
    if report["other_5xx"] or lost or twice or report["connection_errors"]:
        return (
            f"{report['other_5xx']} 5xx other than 503, {report['connection_errors']} connection errors, "
            f"{lost} lost, {twice} duplicated writes"
        )
    return None


def main():
    url = database_url()
    ensure_postgres_database(url)
    env = environment(url)
    urls = prepare(env)
    process, base = start_gunicorn(env, workers=4, probe="/uz/", log=open(OUT / "gunicorn.log", "w"))
    results, faults_done = run_load(base, urls, seconds=SECONDS, faults=[(1 / 3, restart_postgres)])
    stop(process)
    report = summarize(env, results, faults_done, SECONDS)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if problem := failures(report):
        raise SystemExit(f"FAILED: {problem}")
    print(
        f"OK: no 5xx besides {report['503_friendly']} friendly 503s while the database restarted; "
        "no write lost"
    )


if __name__ == "__main__":
    main()
