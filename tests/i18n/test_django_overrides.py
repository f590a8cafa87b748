"""magazine/locale_django: our translations of Django's and taggit's own strings stay whole and current."""

from pathlib import Path

import django
import polib
import pytest
import taggit
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "magazine" / "locale_django" / "{code}" / "LC_MESSAGES" / "{domain}.po"
DJANGO = Path(django.__file__).parent
UPSTREAM = {
    "django": [
        DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
        DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
        DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
        Path(taggit.__file__).parent / "locale/en/LC_MESSAGES/django.po",
    ],
    "djangojs": [DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"],
}
CASES = [(code, domain) for code in ("uz", "ru") for domain in ("django", "djangojs")]


@pytest.mark.parametrize(("code", "domain"), CASES)
def test_every_override_is_translated(code, domain):
    catalogue = polib.pofile(str(OVERRIDES).format(code=code, domain=domain))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated() or "fuzzy" in entry.flags]
    assert not untranslated


@pytest.mark.parametrize(("code", "domain"), CASES)
def test_every_override_still_exists_upstream(code, domain):
    """A Django upgrade that rewords a string leaves our translation of the old wording behind: say so."""
    upstream = {
        (entry.msgctxt, entry.msgid) for path in UPSTREAM[domain] for entry in polib.pofile(str(path))
    }
    catalogue = polib.pofile(str(OVERRIDES).format(code=code, domain=domain))
    stale = [entry.msgid for entry in catalogue if (entry.msgctxt, entry.msgid) not in upstream]
    assert not stale


@pytest.mark.parametrize(
    ("code", "english", "expected"),
    [
        ("uz", "Save and add another", "Saqlash va yana qoʻshish"),
        ("ru", "Filter by %(field_name)s", "Фильтр: %(field_name)s"),
        ("uz", "- Select an option -", "— Tanlang —"),
    ],
)
def test_the_overrides_win_over_django_catalogues(code, english, expected):
    with translation.override(code):
        assert translation.gettext(english) == expected
