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

import html.parser
import http.cookies
import io
import json
import os
import pwd
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadtest  # noqa: E402
from bench import ensure_postgres_database, free_port, manage_json  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
OUT = ROOT / "var" / "scaletest"
PY = sys.executable
SECONDS = int(os.environ.get("SCALETEST_SECONDS", "60"))
DATABASE = "mag_scaletest"
EDITOR_PASSWORD = "scaletest-editor-" + uuid.uuid4().hex[:12]
PIDS = OUT / "processes.json"


# --- processes --------------------------------------------------------------------------------------


class Processes:
    """The processes this run started, each in its own session, written down for the next run."""

    def __init__(self):
        self.running = {}

    def start(self, name, args, **kwargs):
        log = open(OUT / f"{name}.log", "ab")
        process = subprocess.Popen(args, start_new_session=True, stdout=log, stderr=log, **kwargs)
        self.running[name] = process
        self.remember()
        return process

    def stop(self, name, sig=signal.SIGTERM):
        process = self.running.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.remember()

    def stop_all(self):
        for name in reversed(list(self.running)):
            self.stop(name)

    def remember(self):
        PIDS.write_text(json.dumps({name: [p.pid, command_line(p.pid)] for name, p in self.running.items()}))


def command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None


def stop_leftovers():
    """A run that was interrupted may have left its processes: stop those (only ours), and its database."""
    if PIDS.exists():
        for pid, started_as in json.loads(PIDS.read_text()).values():
            if started_as and command_line(pid) == started_as:  # the same process, not a reused id
                try:
                    os.killpg(pid, signal.SIGTERM)
                except OSError:
                    pass
        PIDS.unlink()
    if (OUT / "pgdata" / "postmaster.pid").exists():
        postgres_ctl("stop", "-m", "immediate", check=False)


def wait_for(url, *, seconds=60, ok=(200,), ssl_context=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3, context=ssl_context) as answer:
                if answer.status in ok:
                    return
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s (logs in {OUT})")


# --- PostgreSQL, Redis, S3 -------------------------------------------------------------------------


def postgres_binary(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL's server is missing: sudo apt-get install postgresql")
    return str(found[-1])


def as_postgres(args):
    """PostgreSQL refuses to run as root: run it as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def postgres_ctl(*args, check=True):
    command = [postgres_binary("pg_ctl"), "-D", str(OUT / "pgdata"), *args]
    return subprocess.run(as_postgres(command), check=check, capture_output=True, text=True)


def start_postgres(port):
    """A PostgreSQL server of this run's own: restarting it disturbs no other database on the machine."""
    data, sockets, log = OUT / "pgdata", OUT / "pgsocket", OUT / "postgres.log"
    shutil.rmtree(data, ignore_errors=True)
    for folder in (data, sockets):
        folder.mkdir(parents=True, exist_ok=True)
    log.touch()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (data, sockets, log):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        as_postgres(
            [postgres_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c max_connections=200"
    postgres_ctl("-l", str(log), "-o", options, "-w", "start")
    url = f"postgres://postgres@127.0.0.1:{port}/{DATABASE}?connect_timeout=5"
    ensure_postgres_database(url)
    return url


def restart_postgres():
    started = time.monotonic()
    # With -l: a server started without it keeps pg_ctl's output pipe open, and pg_ctl never returns.
    postgres_ctl("-l", str(OUT / "postgres.log"), "-m", "fast", "-w", "restart")
    return f"restarted PostgreSQL ({time.monotonic() - started:.1f} s)"


def start_s3(processes, port):
    """moto's S3 server and a bucket that anyone may read (the policy README's Production section gives)."""
    import boto3

    processes.start("s3", [PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
    endpoint = f"http://127.0.0.1:{port}"
    wait_for(endpoint + "/moto-api/")
    bucket = "magazine-media"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="scaletest",
        aws_secret_access_key="scaletest",
    )  # fmt: skip
    client.create_bucket(Bucket=bucket)
    policy = {
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
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return endpoint, bucket, client


# --- the app servers ----------------------------------------------------------------------------------


def read_env_file(path):
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments skipped, quotes removed)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip('"')
    return values


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
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "WEB_CONCURRENCY": "3",
        "LOG_LEVEL": "WARNING",
        "DEMO_EDITOR_PASSWORD": EDITOR_PASSWORD,
        # Generous limits (every client comes from 127.0.0.1): most writes are accepted; refusals are 4xx.
        "COMMENTS_RATE_PER_IP": "100000",
        "COMMENTS_RATE_PER_EMAIL": "50",
        "SUBSCRIPTIONS_SUBSCRIBE_LIMIT": "100000",
    }
    return env


def unit_command(unit):
    """The ExecStart= of a systemd unit in deploy/systemd, with /srv/magazine/app read as this checkout."""
    text = (DEPLOY / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return [
        part.replace("/srv/magazine/app", str(ROOT)) for part in shlex.split(line.removeprefix("ExecStart="))
    ]


def start_app_server(processes, name, port, env):
    processes.start(
        name, unit_command("magazine-web.service"), cwd=ROOT, env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    wait_for(base + "/readyz")
    return base


# --- the task worker (hook) -----------------------------------------------------------------------
# TASK WORKER HOOK: the outbox / task queue (django-tasks-db, `manage.py db_worker`) is being built in
# parallel with this script. After merging it, the integrator:
#   1. starts the worker here from deploy/systemd/magazine-worker.service's command, the way
#      start_app_server() runs magazine-web.service's: processes.start("worker", unit_command(...), ...);
#   2. kills it with server A (the faults in main()) and starts it again two thirds in;
#   3. counts the letters of the run's subscriptions (a fake SMTP server, or the outbox's delivery log):
#      every accepted subscription gets exactly one confirmation letter, and none is sent twice.
# Until then the report says the letters were not counted; nothing here pretends otherwise.


def start_task_worker(processes, env):
    return None


def count_letters(env):
    return {
        "checked": False,
        "why": "the task worker is not wired in yet (TASK WORKER HOOK in scripts/scaletest.py)",
    }


# --- nginx -------------------------------------------------------------------------------------------


def nginx_binary():
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("nginx is missing: sudo apt-get install nginx")
    print("Installing nginx from Debian's packages (its own service is not started)")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "nginx"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    return "/usr/sbin/nginx"


def substitute(text, replacements, source):
    """Replace each example value of a deploy file; a value no longer there means the file changed."""
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"{source} no longer holds {old!r}: update scripts/scaletest.py with it")
        text = text.replace(old, new)
    return text


def nginx_config(ports, s3_endpoint, bucket):
    """deploy/nginx's site and bucket snippet with loopback addresses; return the main config's path."""
    folder = OUT / "nginx"
    for sub in ("tmp", "acme"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    s3 = urllib.parse.urlsplit(s3_endpoint)
    media = substitute(
        (DEPLOY / "nginx" / "media-bucket.conf").read_text(),
        [
            ("proxy_pass https://s3.eu-central-1.amazonaws.com/magazine-media/;",
             f"proxy_pass {s3_endpoint}/{bucket}/;"),
            ("proxy_set_header Host s3.eu-central-1.amazonaws.com;", f"proxy_set_header Host {s3.netloc};"),
        ],
        "deploy/nginx/media-bucket.conf",
    )  # fmt: skip
    (folder / "media.conf").write_text(media)
    site = "\n".join(
        line
        for line in (DEPLOY / "nginx" / "magazine.conf").read_text().splitlines()
        if "listen [::]" not in line
    )
    site = substitute(
        site,
        [
            ("server 10.0.0.11:8000", f"server 127.0.0.1:{ports['a']}"),
            ("server 10.0.0.12:8000", f"server 127.0.0.1:{ports['b']}"),
            ("listen 80 default_server;", f"listen 127.0.0.1:{ports['http']} default_server;"),
            ("listen 443 ssl default_server;", f"listen 127.0.0.1:{ports['https']} ssl default_server;"),
            ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
            ("server_name magazine.example.org;", "server_name localhost;"),
            ("/etc/letsencrypt/live/magazine.example.org/fullchain.pem", str(certificate)),
            ("/etc/letsencrypt/live/magazine.example.org/privkey.pem", str(key)),
            ("root /var/www/letsencrypt;", f"root {folder / 'acme'};"),
            ("/srv/magazine/app/", f"{ROOT}/"),
            ("/srv/magazine/static/", f"{OUT / 'static'}/"),
            ("/etc/nginx/snippets/magazine-media.conf", str(folder / "media.conf")),
        ],
        "deploy/nginx/magazine.conf",
    )
    (folder / "site.conf").write_text(site)
    temp = folder / "tmp"
    main = f"""
worker_processes 2;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder / "access.log"};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder / "site.conf"};
}}
"""
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf", certificate


def start_nginx(processes, config):
    binary = nginx_binary()
    command = [binary, "-c", str(config), "-p", str(config.parent), "-e", str(config.parent / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"nginx refuses the generated configuration:\n{checked.stderr}")
    processes.start("nginx", [*command, "-g", "daemon off;"])


# --- a person's browser ----------------------------------------------------------------------------


class Browser:
    """One person: cookies kept by name and sent to whichever server this browser is pointed at.

    Straight to an app server the line is plain HTTP while the app is told it sits behind the TLS
    proxy (X-Forwarded-Proto), as nginx would say; its secure cookies are sent back all the same.
    """

    def __init__(self, base, ssl_context=None, cookies=None):
        self.base = base
        self.cookies = dict(cookies or {})
        handlers = [urllib.request.HTTPSHandler(context=ssl_context), loadtest.NoRedirect()]
        self.opener = urllib.request.build_opener(*handlers)

    def pointed_at(self, base):
        return Browser(base, cookies=self.cookies)

    def request(self, path, data=None, *, files=None):
        """(status, headers, text or bytes); `data`: pairs to POST, `files`: name -> (filename, bytes)."""
        url = path if "://" in path else self.base + path
        # What the browser sees is the HTTPS site: its Referer says https, whichever server answers.
        headers = {"Referer": "https://" + url.partition("://")[2], "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            body, headers["Content-Type"] = multipart(data or [], files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            answer = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or []:
                for morsel in http.cookies.SimpleCookie(header).values():
                    self.cookies[morsel.key] = morsel.value
            content = answer.read()
            if not (answer.headers.get("Content-Type") or "").startswith("image/"):
                content = content.decode("utf-8", "replace")
            return answer.status, answer.headers, content

    def sign_in(self, username, password):
        status, _, page = self.request("/admin/login/")
        token = loadtest.CSRF.search(page).group(1)
        status, headers, _ = self.request(
            "/admin/login/?next=/admin/",
            [
                ("csrfmiddlewaretoken", token),
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        if status != 302:
            raise SystemExit(f"The editor could not sign in at {self.base} ({status})")

    def save_admin_form(self, path, changes, files=None):
        """Open an admin change form, change some fields, save it as the editor would; return the status."""
        status, _, page = self.request(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        fields = [(name, value) for name, value in form_fields(page) if name not in changes]
        fields += list(changes.items()) + [("_save", "Save")]
        status, _, body = self.request(path, fields, files=files)
        if status != 302:
            raise SystemExit(
                f"Saving {path} answered {status}: {body[:2000] if isinstance(body, str) else ''}"
            )
        return status


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormFields(html.parser.HTMLParser):
    """The values a browser would send for the admin's main form (files and buttons left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self.in_form, self.textarea, self.select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "name" not in attrs and tag != "option":
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind not in ("file", "submit", "button", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append(
                    (attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
                )
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = {
                "name": attrs["name"],
                "multiple": "multiple" in attrs,
                "chosen": [],
                "first": None,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or (
                [] if self.select["multiple"] else [self.select["first"] or ""]
            )
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None


def form_fields(page):
    parser = FormFields()
    parser.feed(page)
    return parser.fields


# --- the three checks ------------------------------------------------------------------------------


SNIPPET_SUBJECTS = """
import json
from django.db.models import Count, Q
from django.utils.translation import override
from articles.models import Article
from magazine.models import Issue
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
        "from magazine.models import Issue; import json; "
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


def log_lines(name):
    path = OUT / f"{name}.log"
    return sum(1 for line in path.open(errors="replace") if " rid=" in line) if path.exists() else 0


# --- the run -----------------------------------------------------------------------------------------


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    stop_leftovers()
    for log in OUT.glob("*.log"):
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
        editor_a.sign_in("editor", EDITOR_PASSWORD)
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
        urls = manage_json(env, loadtest.SNIPPET_URLS)
        lines_before = {name: log_lines(name) for name in ("app-a", "app-b")}

        def kill_a():
            processes.stop("app-a", signal.SIGKILL)
            return "killed app server A (SIGKILL to gunicorn and its workers)"

        def restart_a():
            start_app_server(processes, "app-a", ports["a"], env)
            return "started app server A again"

        results, faults = loadtest.run_load(
            site, urls, seconds=SECONDS, ssl_context=tls,
            faults=[(1 / 3, kill_a), (1 / 3, restart_postgres), (2 / 3, restart_a)],
        )  # fmt: skip
        crashes = [fault["at_s"] for fault in faults if fault["fault"].startswith("killed")]
        load = loadtest.summarize(env, results, faults, SECONDS, crashes=crashes)
        load["requests_per_app_server"] = {
            name: log_lines(name) - lines_before[name] for name in ("app-a", "app-b")
        }
        report = {"checks": checks, "load_through_nginx": load, "letters": count_letters(env)}
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
        f"OK: 3 checks across two app servers; {load['requests']} requests through nginx, "
        f"{load['503_friendly']} friendly 503s ({load['503_reasons']}), no other 5xx, "
        "no write lost or doubled"
    )


if __name__ == "__main__":
    main()
