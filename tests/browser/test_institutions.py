"""An institution's network in the browser: the live server's visitor comes from 127.0.0.1; once that
address is an institution's range, the print-first interview reads whole, with the line naming it."""

import pytest

from institutions.models import InstitutionReading
from tests.browser.test_accessibility import blocking_violations
from tests.factories import make_institution, make_print_first

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LINES = {
    "uz": "Kirish huquqi Jahon iqtisodiyoti va diplomatiya universiteti tomonidan berilgan",
    "ru": "Доступ предоставлен организацией Jahon iqtisodiyoti va diplomatiya universiteti",
}


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_a_visitor_from_the_institutions_network_reads_the_interview_whole(page, live_server, language):
    article = make_print_first(language=language, title="Suv diplomatiyasi")
    url = article.get_absolute_url().replace("/en/", f"/{language}/")
    page.goto(url)
    assert "HIDDENMARKER" not in page.content() and page.locator(".paywall").count() == 1

    institution = make_institution(
        name="Jahon iqtisodiyoti va diplomatiya universiteti", kind="university", ranges=["127.0.0.1/32"]
    )
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert "HIDDENMARKER" in page.content() and page.locator(".paywall").count() == 0
    assert page.locator(".access-line--institution").inner_text() == LINES[language]
    assert blocking_violations(page) == []
    assert InstitutionReading.objects.get(institution=institution).count == 1
