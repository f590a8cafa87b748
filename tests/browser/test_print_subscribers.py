"""A manager imports the distribution office's list; a subscriber activates online reading with the
number and postal code from their label, and reads a print-first article whole."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone, translation

from printsubscribers.models import PrintSubscription
from readers.models import AccessGrant
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import admin_sign_in, shoot
from tests.browser.test_accessibility import blocking_violations
from tests.factories import make_issue, make_print_first, make_user
from tests.readers.helpers import LINK

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def say(language, text):
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", ["ru", "uz"])
def test_a_manager_imports_the_list_and_a_subscriber_activates_and_reads_whole(
    page, browser, live_server, screenshot, tmp_path, language
):
    mail.outbox.clear()
    issue = make_issue(year=2026, number_first=3)
    article = make_print_first(issue=issue, title="Suv diplomatiyasi", language=language)
    make_user(
        username="manager", password="a-long-manager-password", groups=["Subscriber managers"], is_staff=True
    )
    today = timezone.localdate()
    start, end = today - timedelta(days=30), today + timedelta(days=335)

    # The manager uploads the office's list (Windows-1251, semicolons, Russian headers) and confirms it.
    listing = tmp_path / "podpiska.csv"
    listing.write_bytes(
        (
            "Номер подписчика;ФИО;Эл. почта;Индекс;Начало;Окончание\r\n"
            f"1042;Дилноза Каримова;;100 017;{start:%d.%m.%Y};{end:%d.%m.%Y}\r\n"
            f"1043;Ольга Петрова;;100000;{start:%d.%m.%Y};{end:%d.%m.%Y}\r\n"
        ).encode("cp1251")
    )
    manager = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = manager.new_page()
    admin_sign_in(admin, "manager", "a-long-manager-password")
    admin.goto("/admin/printsubscribers/printsubscription/import/")
    admin.set_input_files("#id_import_file", str(listing))
    admin.select_option("#id_format", "0")
    admin.click("form[enctype='multipart/form-data'] input[type=submit]")
    admin.wait_for_selector("table.import-preview")
    assert admin.locator("table.import-preview tr.new").count() == 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SCREENSHOTS / f"printsubs-import-preview-{language}.png"), full_page=True)
    admin.click("input[name=confirm]")
    admin.wait_for_selector(".messagelist")
    manager.close()
    assert PrintSubscription.objects.count() == 2

    # A reader meets the paywall, follows "activate online reading", signs in by letter, comes back.
    page.goto(f"/{language}/articles/{article.slug}/")
    assert "HIDDENMARKER" not in page.content()
    page.click(f".paywall a[href='/{language}/account/print-subscription/']")
    page.wait_for_url(f"**/{language}/account/sign-in/**")
    page.fill("#id_email", "dilnoza@example.uz")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/sign-in/check-inbox/")
    page.goto(urlsplit(LINK.search(mail.outbox[-1].body)[0]).path)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/print-subscription/")
    assert blocking_violations(page) == []

    # A wrong postal code first: one plain answer.
    page.fill("#id_number", "1042")
    page.fill("#id_postal_code", "999999")
    page.click("main form button[type=submit]")
    assert say(language, "The subscriber number and the postal code do not match.") in page.content()

    # The number and postal code from the label: linked, and the account says until when.
    page.fill("#id_number", "1042")
    page.fill("#id_postal_code", "100 017")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/")
    assert f"{end:%d.%m.%Y}" in page.locator("main").inner_text()
    shoot(page, screenshot, f"printsubs-activated-{language}")
    grant = AccessGrant.objects.get()
    assert grant.reason == AccessGrant.Reason.PRINT_SUBSCRIPTION

    # The article, whole.
    page.goto(f"/{language}/articles/{article.slug}/")
    assert "HIDDENMARKER" in page.content() and page.locator(".paywall").count() == 0
    assert say(language, "Your print subscription") in page.locator(".access-line").inner_text()
    shoot(page, screenshot, f"printsubs-reads-{language}")
