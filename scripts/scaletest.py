#!/usr/bin/env python
"""`make scaletest`: two app servers behind nginx, as two machines would run them, then a fault.

Everything runs on loopback and is started (and stopped) by this script: a PostgreSQL server of its
own (database `mag_scaletest`), a Redis server, moto's S3 server with the media bucket, two gunicorn
app servers started with deploy/systemd/magazine-web.service's command and deploy/gunicorn.conf.py,
each with its own local memory, and nginx (Debian's package, installed when missing) running
deploy/nginx/magazine.conf with loopback addresses and a self-signed certificate. The environment is
deploy/magazine.env with this machine's values. Then, in one run:

1. an editor's change saved through server A is on every page served by B at its next request;
2. an image uploaded through A is on B's page and is served through nginx;
3. a comment approved on B shows through A;
4. scripts/loadtest.py's clients run through nginx for SCALETEST_SECONDS (60); a third of the way in
   server A is killed (SIGKILL) and PostgreSQL restarts; two thirds in, A starts again.

It prints the figures, writes var/scaletest/latest.json, and fails on a broken check, a 5xx other
than the friendly 503, or a lost or duplicated write.
"""

import base64
import email
import http.client
import io
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadtest  # noqa: E402
from bench import free_port, manage_json  # noqa: E402
from scaletest_browser import Browser  # noqa: E402
from scaletest_services import (  # noqa: E402
    DEPLOY,
    OUT,
    PY,
    ROOT,
    Processes,
    nginx_config,
    postgres_ctl,
    read_env_file,
    restart_postgres,
    start_app_server,
    start_nginx,
    start_postgres,
    start_s3,
    stop_leftovers,
    unit_command,
    wait_for,
)

SECONDS = int(os.environ.get("SCALETEST_SECONDS", "60"))
EDITOR_PASSWORD = "scaletest-editor-" + uuid.uuid4().hex[:12]
EDITOR_TOTP_SECRET = base64.b32encode(os.urandom(20)).decode()


# --- the app servers' environment -----------------------------------------------------------------


def app_environment(ports, database_url, s3_endpoint, bucket):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "MEDIA_STORAGE"))}
    env.pop("DEBUG", None)
    env |= read_env_file(DEPLOY / "magazine.env")
    # A host name, not an address: TLS clients send it (SNI), and the site's default server refuses
    # handshakes without a known name (deploy/nginx/magazine.conf).
    site = f"https://localhost:{ports['https']}"
    env |= {
        "SECRET_KEY": "scaletest-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": site,
        "SITE_URL": site,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "STATIC_ROOT": str(OUT / "static"),
        "MEDIA_ROOT": str(OUT / "media-unused"),
        # Public media URLs go through nginx, which passes them to the bucket (media-bucket.conf).
        "MEDIA_STORAGE_URL": (
            f"s3://scaletest:scaletest@{bucket}?endpoint_url={s3_endpoint}&region=us-east-1"
            f"&public_url={site}/media"
        ),
        "EMAIL_HOST": "",
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(MAIL),
        # A letter claimed by the worker that is killed is taken over after this (production: 300 s).
        "OUTBOX_SENDING_TIMEOUT": "20",
        "WEB_CONCURRENCY": "3",
        "LOG_LEVEL": "WARNING",
        "DEMO_EDITOR_PASSWORD": EDITOR_PASSWORD,
        "DEMO_EDITOR_TOTP_SECRET": EDITOR_TOTP_SECRET,
        # Generous limits (every client comes from 127.0.0.1): most writes are accepted; refusals are 4xx.
        "COMMENTS_RATE_PER_IP": "100000",
        "COMMENTS_RATE_PER_EMAIL": "50",
        "SUBSCRIPTIONS_SUBSCRIBE_LIMIT": "100000",
    }
    return env


# --- the task worker ---------------------------------------------------------------------------------

MAIL = OUT / "mail"  # every letter the worker sends is a file here (the `file` mail backend)
SNIPPET_LETTERS = """
import json
from outbox.models import Letter
from subscriptions.models import Subscriber
print(json.dumps({
    "subscribers": list(Subscriber.objects.filter(email__startswith="sub-").values_list("email", flat=True)),
    "not_sent": list(Letter.objects.exclude(status="sent").values_list("status", "last_error")),
}))
"""


def start_task_worker(processes, env):
    """The worker as deploy/systemd/magazine-worker.service runs it: ExecStartPre, then ExecStart."""
    command = unit_command("magazine-worker.service", "ExecStartPre")
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return processes.start("worker", unit_command("magazine-worker.service"), cwd=ROOT, env=env)


def letters_sent():
    """Counter of recipients over the letters the file backend wrote (one message after another)."""
    sent = Counter()
    for path in MAIL.glob("*"):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                sent[email.message_from_bytes(raw)["To"]] += 1
    return sent


def count_letters(env, wait=180):
    """Every subscription accepted during the run got exactly one confirmation letter, none twice.

    Waits for the queue to empty first: a letter claimed by the worker killed with server A is taken
    over once its claim (OUTBOX_SENDING_TIMEOUT) runs out.
    """
    deadline = time.monotonic() + wait
    while (state := manage_json(env, SNIPPET_LETTERS))["not_sent"] and time.monotonic() < deadline:
        time.sleep(2)
    per_address = letters_sent()
    subscribers = state["subscribers"]
    missing = [address for address in subscribers if per_address[address] == 0]
    twice = [address for address in subscribers if per_address[address] > 1]
    return {
        "ok": not missing and not twice and not state["not_sent"],
        "subscriptions_stored": len(subscribers),
        "confirmation_letters_sent": sum(per_address[address] for address in subscribers),
        "subscribers_without_a_letter": len(missing),
        "subscribers_with_two_letters_or_more": len(twice),
        "letters_not_sent_at_the_end": state["not_sent"][:10],
    }


# --- the three checks ------------------------------------------------------------------------------


SNIPPET_SUBJECTS = """
import json
from django.db.models import Count, Q
from django.utils.translation import override
from articles.models import Article
from issues.models import Issue
with override('uz'):
    article = (Article.objects.published().filter(language='uz', comments_open=True, section__isnull=False,
               issue__isnull=False).annotate(n=Count('comments', filter=Q(comments__status='approved')))
               .filter(n__lt=40).order_by('-publish_at').first())
    pages = ['/uz/', article.get_absolute_url(), article.issue.get_absolute_url(),
             article.section.get_absolute_url(), '/uz/issues/', '/uz/events/', '/uz/subscribe/',
             '/uz/search/?q=' + article.title.split()[0]]
    pages += [f'/uz/tags/{slug}/' for slug in article.tags.values_list('slug', flat=True)[:2]]
    issue = Issue.objects.published().exclude(cover='').order_by('-year', '-number_first').first()
    print(json.dumps({'article': article.pk, 'title': article.title, 'section': article.section.pk,
                      'section_name': article.section.name,
                      'article_url': article.get_absolute_url(),
                      'pages': pages, 'issue': issue.pk, 'issue_url': issue.get_absolute_url()}))
"""


def check_editor_change(subjects, editor_a, reader_b):
    """A rubric renamed through A is on every page of B that showed it (the menu is on every page)."""
    showing = []
    for page in subjects["pages"]:
        status, _, body = reader_b.request(page)  # B renders and keeps these pages (warm caches)
        if status == 200 and subjects["section_name"] in body:
            showing.append(page)
    new_name = f"Scaletest rubric {uuid.uuid4().hex[:8]}"
    saved_at = time.monotonic()
    editor_a.save_admin_form(f"/admin/magazine/section/{subjects['section']}/change/", {"name": new_name})
    stale = []
    for page in showing:
        _, headers, body = reader_b.request(page)
        if new_name not in body:
            stale.append({"page": page, "page_cache": headers.get("X-Page-Cache")})
    return {
        "ok": len(showing) == len(subjects["pages"]) and not stale,
        "pages_checked_on_b": showing,
        "stale_pages_on_b": stale,
        "seconds_from_save_to_last_check": round(time.monotonic() - saved_at, 2),
    }


def check_uploaded_image(env, subjects, editor_a, reader_b, reader_nginx, s3):
    """A cover uploaded through A is linked from B's issue page and served through nginx from the bucket."""
    from PIL import Image

    image = Image.new("RGB", (1200, 1600), (20, 90, 160))
    data = io.BytesIO()
    image.save(data, format="JPEG")
    editor_a.save_admin_form(
        f"/admin/magazine/issue/{subjects['issue']}/change/",
        {},
        files={"cover": ("scaletest.jpg", data.getvalue())},
    )
    cover = manage_json(
        env,
        "from issues.models import Issue; import json; "
        f"print(json.dumps(Issue.objects.get(pk={subjects['issue']}).cover.name))",
    )
    rendition = cover.rsplit(".", 1)[0] + "-w480.webp"
    _, _, page = reader_b.request(subjects["issue_url"])
    public = f"{env['SITE_URL']}/media/{rendition}"
    status, headers, served = reader_nginx.request(public)
    stored = s3["client"].get_object(Bucket=s3["bucket"], Key=rendition)["Body"].read()
    return {
        "ok": public in page and status == 200 and served == stored,
        "cover": cover,
        "on_b_page": public in page,
        "served_by_nginx": status,
        "same_bytes_as_bucket": served == stored,
        "cache_control": headers.get("Cache-Control"),
    }


def check_comment_approval(env, subjects, editor_a, reader_a, base_b):
    """A pending comment approved in B's admin shows on A's article page at its next request."""
    marker = f"scaletest-comment-{uuid.uuid4().hex[:8]}"
    comment = manage_json(
        env,
        "import json\nfrom comments.models import Comment\n"
        f"c = Comment.objects.create(article_id={subjects['article']}, author_name='Reader', "
        f"author_email='reader@example.org', body='A pending comment {marker}', status='pending')\n"
        "print(json.dumps(c.pk))",
    )
    _, _, before = reader_a.request(subjects["article_url"])
    editor_b = editor_a.pointed_at(base_b)  # the same session, kept in the shared database
    _, _, changelist = editor_b.request("/admin/comments/comment/")
    token = loadtest.CSRF.search(changelist).group(1)
    status, _, _ = editor_b.request(
        "/admin/comments/comment/",
        [("csrfmiddlewaretoken", token), ("action", "approve_selected"), ("_selected_action", str(comment)),
         ("index", "0"), ("select_across", "0")],
    )  # fmt: skip
    _, _, after = reader_a.request(subjects["article_url"])
    return {
        "ok": marker not in before and status == 302 and marker in after,
        "hidden_before_on_a": marker not in before,
        "approved_on_b": status,
        "shown_after_on_a": marker in after,
    }


def check_nginx_static_and_limits(reader_nginx, https_port, tls):
    """nginx serves collectstatic's hashed files itself, compressed and cached for a year, and refuses
    a body over client_max_body_size before it reaches an app server, with its own page."""
    _, _, page = reader_nginx.request("/uz/")
    css = re.search(r'href="(/static/magazine/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, _ = reader_nginx.request(css, headers={"Accept-Encoding": "gzip"})
    connection = http.client.HTTPSConnection("localhost", https_port, context=tls, timeout=10)
    connection.putrequest("POST", "/uz/subscribe/")
    connection.putheader("Content-Length", str(18 * 2**20))  # announced, never sent: refused at once
    connection.endheaders()
    too_large = connection.getresponse()
    body = too_large.read().decode()
    connection.close()
    return {
        "ok": status == 200
        and headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
        and headers.get("Content-Encoding") == "gzip"
        and too_large.status == 413
        and "17 MB" in body,
        "static_file": css,
        "static_status": status,
        "static_cache_control": headers.get("Cache-Control"),
        "static_content_encoding": headers.get("Content-Encoding"),
        "upload_of_18_mb": too_large.status,
    }


def log_lines(name):
    path = OUT / f"{name}.log"
    return sum(1 for line in path.open(errors="replace") if " rid=" in line) if path.exists() else 0


# --- the run -----------------------------------------------------------------------------------------


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    stop_leftovers()
    for log in [*OUT.glob("*.log"), *MAIL.glob("*")]:
        log.unlink()
    processes = Processes()
    ports = {name: free_port() for name in ("postgres", "redis", "s3", "a", "b", "http", "https")}

    def give_up(signum, frame):
        raise SystemExit(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, give_up)
    try:
        database_url = start_postgres(ports["postgres"])
        processes.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        s3_endpoint, bucket, s3_client = start_s3(processes, ports["s3"])
        env = app_environment(ports, database_url, s3_endpoint, bucket)
        for args in (
            ["migrate", "--noinput", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],
            ["seed_demo"],
        ):
            subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        base_a = start_app_server(processes, "app-a", ports["a"], env)
        base_b = start_app_server(processes, "app-b", ports["b"], env)
        start_task_worker(processes, env)
        config, certificate = nginx_config(ports, s3_endpoint, bucket)
        start_nginx(processes, config)
        site = env["SITE_URL"]
        tls = ssl.create_default_context(cafile=str(certificate))
        wait_for(site + "/healthz", ssl_context=tls)
        print(f"Running: PostgreSQL :{ports['postgres']}, Redis :{ports['redis']}, S3 :{ports['s3']}, "
              f"app servers A :{ports['a']} and B :{ports['b']}, nginx {site}")  # fmt: skip

        subjects = manage_json(env, SNIPPET_SUBJECTS)
        editor_a = Browser(base_a)
        editor_a.sign_in("editor", EDITOR_PASSWORD, EDITOR_TOTP_SECRET)
        checks = {
            "editor_change_through_a_on_every_page_of_b": check_editor_change(
                subjects, editor_a, Browser(base_b)
            ),
            "image_uploaded_through_a_served_through_b_and_nginx": check_uploaded_image(
                env,
                subjects,
                editor_a,
                Browser(base_b),
                Browser(site, tls),
                {"client": s3_client, "bucket": bucket},
            ),
            "comment_approved_on_b_shown_through_a": check_comment_approval(
                env, subjects, editor_a, Browser(base_a), base_b
            ),
        }
        checks["static_files_and_upload_limit_in_nginx"] = check_nginx_static_and_limits(
            Browser(site, tls), ports["https"], tls
        )
        urls = manage_json(env, loadtest.SNIPPET_URLS)
        lines_before = {name: log_lines(name) for name in ("app-a", "app-b")}

        def kill_a():
            processes.stop("app-a", signal.SIGKILL)
            processes.stop("worker", signal.SIGKILL)
            return "killed app server A and the task worker (SIGKILL)"

        def restart_a():
            start_app_server(processes, "app-a", ports["a"], env)
            start_task_worker(processes, env)
            return "started app server A and the task worker again"

        results, faults = loadtest.run_load(
            site, urls, seconds=SECONDS, ssl_context=tls,
            faults=[(1 / 3, kill_a), (1 / 3, restart_postgres), (2 / 3, restart_a)],
        )  # fmt: skip
        crashes = [fault["at_s"] for fault in faults if fault["fault"].startswith("killed")]
        load = loadtest.summarize(env, results, faults, SECONDS, crashes=crashes)
        load["requests_per_app_server"] = {
            name: log_lines(name) - lines_before[name] for name in ("app-a", "app-b")
        }
        checks["every_letter_sent_exactly_once"] = count_letters(env)
        report = {"checks": checks, "load_through_nginx": load}
    finally:
        processes.stop_all()
        if (OUT / "pgdata" / "postmaster.pid").exists():
            postgres_ctl("stop", "-m", "fast", check=False)
    (OUT / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    broken = [name for name, check in checks.items() if not check["ok"]]
    problem = loadtest.failures(load)
    if broken or problem:
        raise SystemExit(f"FAILED: {', '.join(broken + [problem or ''])}".rstrip(", "))
    print(
        f"OK: {len(checks)} checks; {load['requests']} requests through nginx, "
        f"{load['503_friendly']} friendly 503s ({load['503_reasons']}), no other 5xx, "
        "no write lost or doubled"
    )


if __name__ == "__main__":
    main()
