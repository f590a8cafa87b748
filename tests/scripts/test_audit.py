"""`make audit` retries a run Lighthouse itself aborts; Lighthouse is replaced by a fake here."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"
spec = importlib.util.spec_from_file_location("audit_script", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

GOOD = {"categories": {"performance": {"score": 1}}, "audits": {}}
NO_NAVSTART = {"runtimeError": {"code": "NO_NAVSTART", "message": "No navigation start"}, **GOOD}


class FakeLighthouse:
    """Plays the given outcomes in turn: (exit code, report written or None, stderr)."""

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), 0

    def __call__(self, command):
        self.calls += 1
        returncode, report, stderr = self.outcomes.pop(0)
        path = next(arg.removeprefix("--output-path=") for arg in command if arg.startswith("--output-path="))
        if report is not None:
            Path(path).write_text(json.dumps(report))
        return returncode, stderr


@pytest.fixture(autouse=True)
def _output_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "OUT", tmp_path)


def test_a_run_lighthouse_aborts_is_tried_again():
    fake = FakeLighthouse((1, NO_NAVSTART, "Runtime error encountered: No navigation start"), (0, GOOD, ""))
    assert audit.lighthouse("http://127.0.0.1:1/uz/", "home", run=fake) == GOOD
    assert fake.calls == 2


def test_an_abort_before_any_report_is_tried_again():
    fake = FakeLighthouse(
        (67, None, "Debugger protocol timed out while connecting to Chrome."), (0, GOOD, "")
    )
    assert audit.lighthouse("http://127.0.0.1:1/uz/", "home", run=fake) == GOOD
    assert fake.calls == 2


def test_the_audit_gives_up_after_three_aborted_runs():
    fake = FakeLighthouse(*[(1, NO_NAVSTART, "")] * 4)
    with pytest.raises(SystemExit, match="aborted 3 runs .* \\(NO_NAVSTART\\)"):
        audit.lighthouse("http://127.0.0.1:1/uz/", "home", run=fake)
    assert fake.calls == 3


def test_a_failure_that_is_not_an_abort_ends_the_audit_at_once():
    fake = FakeLighthouse((1, None, "Unknown argument: --bad-flag"), (0, GOOD, ""))
    with pytest.raises(SystemExit, match="Unknown argument"):
        audit.lighthouse("http://127.0.0.1:1/uz/", "home", run=fake)
    assert fake.calls == 1


def test_a_report_left_by_an_aborted_try_is_not_taken_for_a_result():
    fake = FakeLighthouse((1, NO_NAVSTART, ""), (1, None, "Unknown argument: --bad-flag"))
    with pytest.raises(SystemExit, match="failed"):
        audit.lighthouse("http://127.0.0.1:1/uz/", "home", run=fake)


@pytest.mark.parametrize(
    ("returncode", "report", "stderr", "reason"),
    [
        (0, GOOD, "", None),
        (1, NO_NAVSTART, "", "NO_NAVSTART"),
        (1, None, "Runtime error encountered: Chrome prevented page load", "Runtime error encountered"),
        (1, None, "Unable to connect to Chrome", "Unable to connect to Chrome"),
        (1, None, "Unknown argument", None),
        (127, None, "lighthouse: not found", None),
    ],
)
def test_abort_reason(returncode, report, stderr, reason):
    assert audit.abort_reason(returncode, report, stderr) == reason
