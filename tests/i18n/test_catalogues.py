"""Every string marked for translation is in the uz, ru and en catalogues, translated in uz and ru."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "issues" / "locale" / "{code}" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "magazine",
    "issues",
    "sitecache",
    "revisions",
    "richtext",
    "images",
    "backups",
    "desk",
    "guards",
    "ops",
    "articles",
    "comments",
    "subscriptions",
    "outbox",
    "staff",
    "readers",
    "approvals",
    "issuecodes",
    "printsubscribers",
    "institutions",
    "reach",
    "templates",
]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids makemessages finds in the code today, extracted in a scratch copy of the sources."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext is not installed: sudo apt-get install gettext")
    work = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (work / "issues" / "locale").mkdir()
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    env = {"DEBUG": "1", "PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "uz", "--no-obsolete", "--no-location"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(work / "issues" / "locale" / "uz" / "LC_MESSAGES" / "django.po"))
    return {(entry.msgctxt, entry.msgid) for entry in catalogue}


@pytest.mark.parametrize("code", ["uz", "ru", "en"])
def test_every_marked_string_is_in_the_catalogue(extracted, code):
    catalogue = polib.pofile(str(CATALOGUE).format(code=code))
    present = {(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete}
    missing = sorted(msgid for _, msgid in extracted - present)
    assert not missing, f"{len(missing)} strings missing from {code}: {missing[:20]}"


@pytest.mark.parametrize("code", ["uz", "ru"])
def test_no_string_is_left_untranslated(extracted, code):
    catalogue = polib.pofile(str(CATALOGUE).format(code=code))
    untranslated = [
        entry.msgid
        for entry in catalogue
        if (entry.msgctxt, entry.msgid) in extracted and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert not untranslated, f"{len(untranslated)} untranslated in {code}: {untranslated[:20]}"
