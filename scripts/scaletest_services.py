"""make scaletest's services: its own PostgreSQL, Redis, moto's S3 server, gunicorn and nginx.

Each is started from this checkout's deploy/ files where one exists (the systemd unit's command, the
gunicorn settings, the nginx site), so those files are what the scale test runs.
"""

import json
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ensure_postgres_database  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from images.storage import public_read_policy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
OUT = ROOT / "var" / "scaletest"
PY = sys.executable
DATABASE = "mag_scaletest"
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
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
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


def unit_command(unit, directive="ExecStart"):
    """A command (ExecStart=, ExecStartPre=) of a systemd unit in deploy/systemd, run from this checkout."""
    text = (DEPLOY / "systemd" / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith(f"{directive}="))
    return [part.replace("/srv/magazine/app", str(ROOT)) for part in shlex.split(line.split("=", 1)[1])]


def start_app_server(processes, name, port, env):
    processes.start(
        name, unit_command("magazine-web.service"), cwd=ROOT, env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    wait_for(base + "/readyz")
    return base


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
            ("/var/log/nginx/magazine.access.log", str(folder / "access.log")),
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
    access_log {folder / "access-other.log"};
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
