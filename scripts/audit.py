#!/usr/bin/env python
"""`make audit`: Lighthouse on the home, an issue and an article page, served as in production.

The demo magazine is seeded into a throwaway SQLite database under var/audit/, collected static
files are served by WhiteNoise and media by Django (SERVE_MEDIA=1), all behind gunicorn on a free
loopback port. Lighthouse (npm `lighthouse@12.2.3`, installed into var/audit/node_modules when
missing) drives Debian's chromium with its default mobile settings (slow 4G, a mid-tier phone).

The phone is emulated by slowing the host's CPU down, 4x by default, which assumes a fast desktop.
On a slower host Lighthouse itself warns that the result is too pessimistic, so a first run measures
the host (its `benchmarkIndex`) and the multiplier is calibrated the way Lighthouse's
docs/throttling.md and its CPU throttling calculator do (never above 4x); AUDIT_CPU_SLOWDOWN sets
it by hand. Each page is audited AUDIT_RUNS times (default 5) and the run with the median
performance score is kept, as Lighthouse's docs/variability.md advises. A run Lighthouse itself
aborts (a `runtimeError` such as NO_NAVSTART) is tried again, three times at most.

Prints the four category scores per page, writes var/audit/latest.json (the kept reports:
var/audit/<page>.report.json) and fails when a score is below AUDIT_MIN_SCORE (default 95).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import manage_json, production_environment, start_gunicorn, stop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "audit"
PY = sys.executable
LIGHTHOUSE_PACKAGE = "lighthouse@12.2.3"
LIGHTHOUSE = OUT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
MIN_SCORE = int(os.environ.get("AUDIT_MIN_SCORE", "95"))
RUNS = int(os.environ.get("AUDIT_RUNS", "5"))
ATTEMPTS = 3  # tries of a run that Lighthouse itself aborts
# What the Lighthouse CLI (cli/run.js) prints when it gives a run up before writing a report.
ABORT_MARKERS = ("Runtime error encountered", "Debugger protocol timed out", "Unable to connect to Chrome")

PICK_PAGES = """
import json
from django.utils.translation import override
from articles.models import Article
from issues.models import Issue
with override("uz"):
    issue = Issue.objects.published().first()
    articles = Article.objects.published().filter(language="uz", access=Article.Access.FREE)
    article = articles.exclude(cover="").first() or articles.first()
    print(json.dumps({"issue": issue.get_absolute_url(), "article": article.get_absolute_url()}))
"""


def ensure_lighthouse():
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        raise SystemExit("npm is missing: install Node.js 20 (sudo apt-get install nodejs npm)")
    OUT.mkdir(parents=True, exist_ok=True)
    command = ["npm", "install", "--prefix", str(OUT), "--no-audit", "--no-fund", LIGHTHOUSE_PACKAGE]
    subprocess.run(command, check=True)


def prepare():
    """A fresh database with the demo magazine; returns the environment and the pages to audit."""
    database = OUT / "audit.sqlite3"
    database.unlink(missing_ok=True)
    shutil.rmtree(OUT / "media", ignore_errors=True)
    env = production_environment(f"sqlite:///{database}", OUT, ALLOWED_HOSTS="127.0.0.1")
    for args in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["collectstatic", "--noinput", "--clear", "--verbosity", "0"],
        ["seed_demo"],
    ):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return env, {"home": "/uz/", **manage_json(env, PICK_PAGES)}


def calibrated_slowdown(benchmark_index):
    """The CPU multiplier that makes this host a mid-tier phone (Lighthouse's calculator, capped at 4x)."""
    if benchmark_index >= 1300:
        multiplier = 3 + (benchmark_index - 1300) / 233
    elif benchmark_index >= 800:
        multiplier = 2 + (benchmark_index - 800) / 500
    else:
        multiplier = 1 + max(benchmark_index - 150, 0) / 650
    return round(min(multiplier, 4), 1)


def run_command(command):
    """Run Lighthouse; (exit code, what it wrote on stderr)."""
    done = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": CHROME}, stderr=subprocess.PIPE, text=True
    )
    return done.returncode, done.stderr


def abort_reason(returncode, report, stderr):
    """Why Lighthouse itself gave the run up (worth another try), or None.

    A run it aborts (NO_NAVSTART, NO_FCP, PROTOCOL_TIMEOUT… with Debian's chromium now and then) still
    writes its report, with `runtimeError`, and exits with 1; an abort before any report is told on
    stderr. Anything else (a missing program, a bad flag) is not Lighthouse's abort and is not retried.
    """
    if report is not None and report.get("runtimeError"):
        return report["runtimeError"].get("code") or "runtimeError"
    if returncode != 0:
        return next((marker for marker in ABORT_MARKERS if marker in stderr), None)
    return None


def lighthouse(url, name, cpu_slowdown=None, *, run=run_command):
    """Run Lighthouse on `url`; return its report (the full one is kept in var/audit/).

    A run Lighthouse aborts is tried again, ATTEMPTS times in all, before the audit gives up.
    """
    report_path = OUT / f"{name}.report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    for attempt in range(1, ATTEMPTS + 1):
        report_path.unlink(missing_ok=True)  # a report left by an earlier try is no result of this one
        returncode, stderr = run(command)
        report = json.loads(report_path.read_text()) if report_path.exists() else None
        reason = abort_reason(returncode, report, stderr)
        if reason is None:
            if returncode != 0 or report is None:
                raise SystemExit(f"Lighthouse failed on {url} (exit {returncode}):\n{stderr[-2000:]}")
            return report
        print(f"Lighthouse aborted its run on {url} ({reason}), try {attempt} of {ATTEMPTS}", file=sys.stderr)
    raise SystemExit(f"Lighthouse aborted {ATTEMPTS} runs on {url} in a row ({reason}); reports in {OUT}")


def summary(report):
    scores = {key: round((report["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}
    failing = sorted(
        audit["id"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit["scoreDisplayMode"] in {"binary", "metricSavings", "numeric"}
    )
    return scores, failing


def audit(base, pages):
    calibration = lighthouse(base + pages["home"], "calibration")
    benchmark_index = calibration["environment"]["benchmarkIndex"]
    override = os.environ.get("AUDIT_CPU_SLOWDOWN")
    cpu_slowdown = float(override) if override else calibrated_slowdown(benchmark_index)
    results = {}
    for name, path in pages.items():
        runs = sorted(
            (lighthouse(base + path, f"{name}-{run}", cpu_slowdown) for run in range(RUNS)),
            key=lambda report: report["categories"]["performance"]["score"] or 0,
        )
        median = runs[len(runs) // 2]
        (OUT / f"{name}.report.json").write_text(json.dumps(median))
        scores, failing = summary(median)
        performance_runs = [round((r["categories"]["performance"]["score"] or 0) * 100) for r in runs]
        results[name] = {
            "path": path,
            "scores": scores,
            "performance_runs": performance_runs,
            "failing_audits": failing,
        }
    for stale in OUT.glob("*-[0-9].report.json"):
        stale.unlink()
    return {"benchmark_index": benchmark_index, "cpu_slowdown": cpu_slowdown, "runs": RUNS, "pages": results}


def main():
    if not Path(CHROME).exists():
        raise SystemExit(f"no chromium at {CHROME}: sudo apt-get install chromium, or set CHROME_PATH")
    ensure_lighthouse()
    OUT.mkdir(parents=True, exist_ok=True)
    env, pages = prepare()
    with open(OUT / "gunicorn.log", "w") as log:
        process, base = start_gunicorn(env, workers=2, probe="/uz/", log=log)
        try:
            result = audit(base, pages)
        finally:
            stop(process)
    (OUT / "latest.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))

    print(f"\nhost benchmarkIndex {result['benchmark_index']:.0f}, CPU slowdown {result['cpu_slowdown']}x")
    print(f"{'page':<10}{'path':<48}" + "".join(f"{c:>16}" for c in CATEGORIES))
    low = []
    for name, row in result["pages"].items():
        print(f"{name:<10}{row['path']:<48}" + "".join(f"{row['scores'][c]:>16}" for c in CATEGORIES))
        low += [(name, c, row["scores"][c]) for c in CATEGORIES if row["scores"][c] < MIN_SCORE]
    for name, category, score in low:
        failing = ", ".join(result["pages"][name]["failing_audits"])
        print(f"{name}: {category} {score} < {MIN_SCORE}; failing audits: {failing}")
    if low:
        raise SystemExit(f"FAILED: {len(low)} score(s) below {MIN_SCORE} (reports in {OUT})")
    print(f"OK: every score is at least {MIN_SCORE} (var/audit/latest.json)")


if __name__ == "__main__":
    main()
