#!/usr/bin/env python
"""`make bench`: a large magazine in its own database, served by gunicorn, loaded by wrk.

Prints requests/s, p50 and p99 latency and queries per request for the main pages and a trivial
view (the framework's ceiling), and writes var/bench/latest.json. BENCH_ARTICLES (default 10 000)
sets the size; BENCH_SECONDS (default 3) the load per page and round, BENCH_ROUNDS (3) the rounds
(the median round is kept); BENCH_COMPARE=1000 loads a 1 000-article magazine's pages in the same
rounds (growth); BENCH_DATABASE_URL overrides the database (default: DATABASE_URL's server with the
database name suffixed `_bench_<articles>`); every request accepts gzip, as browsers' and crawlers'
do (BENCH_ACCEPT_ENCODING overrides it; empty: plain answers).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"
PY = sys.executable
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
# Every page is loaded ROUNDS times, the pages taking turns, and the median round is kept: a busy
# shared machine drifts, and one long run per page would compare pages measured at different moments.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 16
# What browsers and crawlers send (BENCH_ACCEPT_ENCODING= for clients that take plain answers only).
ACCEPT_ENCODING = os.environ.get("BENCH_ACCEPT_ENCODING", "gzip, deflate, br")
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
# BENCH_PAGES=trivial,search loads only those pages (the table and JSON then hold only them).
ONLY = [name for name in os.environ.get("BENCH_PAGES", "").split(",") if name]
# BENCH_COMPARE=1000 serves a magazine of that size beside this one and loads GROWTH_PAGES of both
# in the same rounds: the growth figure, free of the drift between two separate runs.
COMPARE = int(os.environ.get("BENCH_COMPARE", "0"))
GROWTH_PAGES = [
    "crawl",
    "home",
    "issue",
    "article_uncached",
    "article_2000_comments",
    "section",
    "search",
    "feed",
    "sitemap",
]


# Redis databases for the two sizes (BENCH_REDIS_DB and the one below it), so that benches of
# different work trees on one Redis server do not flush each other's caches.
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "15"))


def bench_database_url(articles=ARTICLES):
    if os.environ.get("BENCH_DATABASE_URL") and articles == ARTICLES:
        return os.environ["BENCH_DATABASE_URL"]
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    parts = urlsplit(base or "postgres://postgres@127.0.0.1:5432/magazine")
    if parts.scheme == "sqlite":
        return f"sqlite:///{OUT / f'bench_{articles}.sqlite3'}"
    # One database per size: a 1 000 and a 10 000 article magazine are compared without regenerating.
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"_bench_{articles}"))


def production_environment(database_url, out, **overrides):
    """The environment of a local production-like server: DEBUG off, plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="0",
        SECRET_KEY="local-run-only-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(out / "static"),
        MEDIA_ROOT=str(out / "media"),
        SERVE_MEDIA="1",
        LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    env.update(overrides)
    return env


def environment(database_url, *, page_cache, fragments=True, redis_db=REDIS_DB):
    """Production settings with the cache under test: Redis, or with BENCH_CACHE=file the shipped
    default (one SQLite file per magazine size, shared by the workers)."""
    if os.environ.get("BENCH_CACHE") == "file":
        shared = {"REDIS_URL": "", "CACHE_PATH": str(OUT / f"cache-{redis_db}.sqlite3")}
    else:
        shared = {"REDIS_URL": f"{os.environ.get('BENCH_REDIS_URL', 'redis://127.0.0.1:6379')}/{redis_db}"}
    return production_environment(
        database_url,
        OUT,
        BENCH_TRIVIAL_VIEW="1",
        PAGE_CACHE_SECONDS="3600" if page_cache else "0",
        FRAGMENT_CACHE_SECONDS="3600" if fragments else "0",
        PAGE_CACHE_LOCAL_ENTRIES="500" if fragments else "0",
        CACHE_OFF="0" if fragments else "1",
        **shared,
    )


def flush_caches():
    """Empty the caches of the magazine sizes loaded (their Redis databases, or their files)."""
    for redis_db in (REDIS_DB - 1, REDIS_DB) if COMPARE else (REDIS_DB,):
        subprocess.run(["redis-cli", "-n", str(redis_db), "flushdb"], capture_output=True)
        for suffix in ("", "-wal", "-shm"):
            (OUT / f"cache-{redis_db}.sqlite3{suffix}").unlink(missing_ok=True)


def ensure_postgres_database(url):
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg2

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def run(args, env):
    subprocess.run([PY, *args], cwd=ROOT, env=env, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, *, workers=WORKERS, probe="/bench/trivial/", log=None):
    """Serve the site with gunicorn on a free loopback port; return (process, base URL) once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "magazine.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + probe, timeout=3)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def manage_json(env, code):
    """Run Python `code` in `manage.py shell` and parse the JSON it prints last."""
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def request_headers(cookie):
    """wrk's headers: the visitor's cookie, if any, and the encodings every browser and crawler accepts."""
    encoding = ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}"] if ACCEPT_ENCODING else []
    return encoding + (["-H", f"Cookie: {cookie}"] if cookie else [])


def script_options(paths):
    """wrk's options for a row loading random addresses from the file `paths` (scripts/random.lua)."""
    return ["-s", str(ROOT / "scripts" / "random.lua")] if paths else []


def wrk_env(paths):
    return {**os.environ, "BENCH_PATHS": str(paths)} if paths else None


def warm_up(url, cookie=None, paths=None):
    subprocess.run(
        ["wrk", "-t2", "-c4", "-d1s", *request_headers(cookie), *script_options(paths), url],
        capture_output=True,
        env=wrk_env(paths),
    )


def crawl_once(base, paths):
    """Request every address of `paths` once (16 at a time): the long tail's first visit. Returns
    pages per second: the crawl of a magazine nobody has read yet."""
    from concurrent.futures import ThreadPoolExecutor

    lines = [line for line in Path(paths).read_text().splitlines() if line]

    headers = {"Accept-Encoding": ACCEPT_ENCODING} if ACCEPT_ENCODING else {}

    def fetch(path):
        try:
            with urllib.request.urlopen(
                urllib.request.Request(base + path, headers=headers), timeout=30
            ) as response:
                response.read()
        except OSError:
            pass

    started = time.monotonic()
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(fetch, lines))
    return round(len(lines) / (time.monotonic() - started), 1)


class Editor:
    """scripts/bench_editor.py in its own process (the edit_storm row): one admin save a second."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [PY, "scripts/bench_editor.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        time.sleep(2)  # its start-up (Django, the sign-in) is not part of the storm

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=30)
        return json.loads(out.strip().splitlines()[-1]) if out.strip() else {}


def median_round(rounds):
    """The round with the median requests/s (its latencies with it)."""
    return sorted(rounds, key=lambda row: row["rps"])[len(rounds) // 2] | {
        "rounds_rps": [row["rps"] for row in rounds]
    }


def wrk(url, cookie=None, paths=None):
    """Load `url` (as the visitor of `cookie`, if given; random addresses of the file `paths`, if
    given) and return its requests/s, latencies, errors."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "--timeout",
            "10s",
            *request_headers(cookie),
            *script_options(paths),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env=wrk_env(paths),
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": round(rps, 1),
        "p50_ms": round(to_ms(*p50.groups()), 2),
        "p99_ms": round(to_ms(*p99.groups()), 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def prepare(articles, env):
    """The magazine of `articles` articles in its database (generated once); its bench URLs and the
    cookies of the rows loaded as a signed-in visitor."""
    run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    run(["scripts/bench_data.py", str(articles)], env)
    cookies = OUT / f"cookies-{articles}.json"
    urls = json.loads((OUT / f"urls-{articles}.json").read_text())
    # Rows of random addresses: a crawl of the archive, and searches of the magazine's own words.
    urls |= {"crawl": "/", "edit_storm": "/", "search_mix": "/"}
    return urls, json.loads(cookies.read_text()) if cookies.exists() else {}


# Rows loading random addresses (scripts/random.lua) from var/bench/<file>-<articles>.txt.
RANDOM_ROWS = {"crawl": "paths", "edit_storm": "paths", "search_mix": "queries"}
# Rows served with the shipped settings (page cache on); the others run on the uncached or cold server.
SHIPPED_ROWS = {"article_cached", "article_reader_cached", "crawl", "edit_storm", "search_mix"}


def count_queries(articles, env):
    out = subprocess.run(
        [PY, "scripts/bench_queries.py", str(articles)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    database_url = bench_database_url()
    ensure_postgres_database(database_url)
    uncached_env = environment(database_url, page_cache=False)
    cached_env = environment(database_url, page_cache=True)
    cold_env = environment(database_url, page_cache=False, fragments=False)
    print(f"Database: {database_url}")
    run(["manage.py", "collectstatic", "--noinput", "-v", "0"], uncached_env)
    urls, cookies = prepare(ARTICLES, uncached_env)
    compare_env = None
    if COMPARE:  # the other size, served beside this one, with its own cache (Redis database 14)
        compare_url = bench_database_url(COMPARE)
        ensure_postgres_database(compare_url)
        print(f"Database to compare with: {compare_url}")
        compare_env = environment(compare_url, page_cache=False, redis_db=REDIS_DB - 1)
        compare_urls, _cookies = prepare(COMPARE, compare_env)
    if "--generate-only" in sys.argv:
        return
    flush_caches()
    queries = count_queries(ARTICLES, uncached_env)
    if COMPARE:
        queries |= {f"{name}@{COMPARE}": n for name, n in count_queries(COMPARE, compare_env).items()}
    flush_caches()
    servers = {"uncached": start_gunicorn(uncached_env), "cached": start_gunicorn(cached_env)}
    servers["cold"] = start_gunicorn(cold_env)
    if COMPARE:
        servers["compare"] = start_gunicorn(compare_env)
        servers["compare_cached"] = start_gunicorn(
            environment(bench_database_url(COMPARE), page_cache=True, redis_db=REDIS_DB - 1)
        )
    try:
        base = {name: url for name, (_process, url) in servers.items()}

        def server(name, compare=False):
            kind = "cached" if name in SHIPPED_ROWS else "cold" if name.endswith("_cold") else "uncached"
            if compare:
                return base["compare_cached"] if kind == "cached" else base["compare"]
            return base[kind]

        def paths_of(name, articles=ARTICLES):
            return OUT / f"{RANDOM_ROWS[name]}-{articles}.txt" if name in RANDOM_ROWS else None

        targets = {
            name: (server(name) + path, paths_of(name))
            for name, path in urls.items()
            if not ONLY or name in ONLY
        }
        if COMPARE:  # each page of the small magazine right after the same page of the large one
            paired = {}
            for name, target in targets.items():
                paired[name] = target
                if name in GROWTH_PAGES:
                    small = server(name, compare=True) + compare_urls.get(name, "/")
                    paired[f"{name}@{COMPARE}"] = (small, paths_of(name, COMPARE))
            targets = paired
        first_pass = {}
        if any(name.split("@")[0] in ("crawl", "edit_storm") for name in targets):
            # The archive as a crawler meets it after its first walk: every article visited once.
            first_pass[ARTICLES] = crawl_once(base["cached"], paths_of("crawl"))
            if COMPARE:
                first_pass[COMPARE] = crawl_once(base["compare_cached"], paths_of("crawl", COMPARE))
            print(f"  first crawl of every article (pages/s): {first_pass}", flush=True)
        for name, (url, paths) in targets.items():
            warm_up(url, cookies.get(name), paths)
        rounds = {name: [] for name in targets}
        storms = []
        for number in range(1, ROUNDS + 1):
            print(f"  round {number} of {ROUNDS}: {', '.join(targets)}", flush=True)
            for name, (url, paths) in targets.items():
                editor = Editor(cached_env) if name.startswith("edit_storm") else None
                rounds[name].append(wrk(url, cookies.get(name), paths))
                if editor:
                    storms.append(editor.stop())
        pages = {name: median_round(rows) | {"queries": queries.get(name)} for name, rows in rounds.items()}
        if storms:
            print(f"  editor saves during edit_storm: {storms}")
    finally:
        for process, _url in servers.values():
            stop(process)
    result = {
        "pages": pages,
        "first_crawl_pages_per_second": first_pass,
        "editor": storms,
        "articles": ARTICLES,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "rounds": ROUNDS,
        "workers": WORKERS,
    }
    out = OUT / ("partial.json" if ONLY else "latest.json")
    out.write_text(json.dumps(result, indent=2))
    print(f"\n{'page':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'queries':>9}{'non-2xx':>9}")
    for name, row in pages.items():
        print(
            f"{name:<28}{row['rps']:>10}{row['p50_ms']:>10}{row['p99_ms']:>10}"
            f"{row['queries'] if row['queries'] is not None else '-':>9}{row['non_2xx']:>9}"
        )
    print(f"\n{ARTICLES} articles, {CONNECTIONS} connections, {WORKERS} gunicorn workers; written to {out}")
    print_targets(pages)
    if COMPARE:
        print_growth(pages)


def print_targets(pages):
    """The issues' speed targets against this run: each one whose pages were loaded."""

    def share(page, of):
        return pages[page]["rps"] / pages[of]["rps"]

    def p99_under(page, limit):
        return limit - pages[page]["p99_ms"]

    checks = [  # (label, pages needed, value, minimum, format)
        (
            "cached article >= 70% of trivial",
            ["article_cached", "trivial"],
            lambda: share("article_cached", "trivial"),
            0.70,
            "{:.0%}",
        ),
        (
            "uncached article >= 25% of trivial",
            ["article_uncached", "trivial"],
            lambda: share("article_uncached", "trivial"),
            0.25,
            "{:.0%}",
        ),
        (
            "uncached article p99 < 100 ms",
            ["article_uncached"],
            lambda: p99_under("article_uncached", 100),
            0,
            None,
        ),
        (
            "2 000 comments >= 1/2 uncached",
            ["article_2000_comments", "article_uncached"],
            lambda: share("article_2000_comments", "article_uncached"),
            0.5,
            "{:.2f}x",
        ),
        ("search p99 < 150 ms", ["search"], lambda: p99_under("search", 150), 0, None),
        ("crawl >= 10% of trivial", ["crawl", "trivial"], lambda: share("crawl", "trivial"), 0.10, "{:.0%}"),
        ("crawl p99 < 150 ms", ["crawl"], lambda: p99_under("crawl", 150), 0, None),
        (
            "edit_storm >= 50% of crawl",
            ["edit_storm", "crawl"],
            lambda: share("edit_storm", "crawl"),
            0.5,
            "{:.0%}",
        ),
        (
            "search_mix >= 5% of trivial",
            ["search_mix", "trivial"],
            lambda: share("search_mix", "trivial"),
            0.05,
            "{:.0%}",
        ),
        ("search_mix p99 < 150 ms", ["search_mix"], lambda: p99_under("search_mix", 150), 0, None),
        *(
            (
                f"{page} >= 5% of trivial",
                [page, "trivial"],
                lambda page=page: share(page, "trivial"),
                0.05,
                "{:.1%}",
            )
            for page in ("article_cold", "home_cold", "issue_cold", "section_cold")
        ),
        (
            "article_cold <= 8 queries",
            ["article_cold"],
            lambda: 8 - (pages["article_cold"]["queries"] or 99),
            0,
            None,
        ),
        (
            "reader with access >= 25% of trivial",
            ["article_reader", "trivial"],
            lambda: share("article_reader", "trivial"),
            0.25,
            "{:.0%}",
        ),
        (
            "reader with access p99 < 100 ms",
            ["article_reader"],
            lambda: p99_under("article_reader", 100),
            0,
            None,
        ),
    ]
    print()
    for label, needed, value, minimum, shown in checks:
        if all(name in pages for name in needed):
            figure = shown.format(value()) if shown else ""
            if label.endswith("queries"):
                figure = str(pages[needed[0]]["queries"])
            print(f"  {'met   ' if value() >= minimum else 'MISSED'} {label} {figure}")


def print_growth(pages):
    """The same pages of the two magazines, measured in the same rounds (BENCH_COMPARE)."""
    print(f"\n  growth: requests/s with {COMPARE} and with {ARTICLES} articles (target: under 20% apart)")
    for name in GROWTH_PAGES:
        small, large = pages.get(f"{name}@{COMPARE}"), pages.get(name)
        if small and large:
            change = large["rps"] / small["rps"] - 1
            verdict = "met   " if abs(change) < 0.20 else "MISSED"
            print(f"    {verdict} {name:<24}{small['rps']:>10}{large['rps']:>10}{change:>+9.0%}")


if __name__ == "__main__":
    main()
