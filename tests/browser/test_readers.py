"""Readers who paid read online: signing in by letter, access given in the admin, its end, the embargo."""

from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone, translation

from articles.models import Article
from readers.models import AccessGrant
from tests.browser.helpers import admin_sign_in, shoot
from tests.factories import make_issue, make_print_first, make_user
from tests.readers.helpers import LINK

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["uz", "ru"]


def at(moment):
    """The site's clock moved to `moment`: the live server runs in this process."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def say(language, text):
    with translation.override(language):
        return translation.gettext(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_subscriber_signs_in_by_letter_is_given_access_in_the_admin_reads_and_loses_it_at_the_end(
    page, browser, live_server, screenshot, language
):
    mail.outbox.clear()
    issue = make_issue(year=2026, number_first=1, where_to_buy="Toshkent kiosklari")
    article = make_print_first(issue=issue, title="Suv diplomatiyasi", language=language)
    make_user(
        username="manager", password="a-long-manager-password", groups=["Subscriber managers"], is_staff=True
    )

    # An anonymous reader meets the paywall and signs in from it.
    page.goto(f"/{language}/articles/{article.slug}/")
    assert page.locator(".paywall").is_visible() and "HIDDENMARKER" not in page.content()
    page.click(f".paywall a[href^='/{language}/account/sign-in/']")
    page.fill("#id_email", "Dilnoza@Example.UZ")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/sign-in/check-inbox/")
    shoot(page, screenshot, f"reader-check-inbox-{language}")

    # The link read from the letter, opened and confirmed: back on the article, refused.
    letter = mail.outbox[-1]
    assert letter.to == ["dilnoza@example.uz"]
    page.goto(urlsplit(LINK.search(letter.body)[0]).path)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/articles/{article.slug}/")
    note = page.locator(".paywall").inner_text()
    assert say(language, "Your account does not include this article") in note
    assert "HIDDENMARKER" not in page.content()
    shoot(page, screenshot, f"reader-refused-{language}")

    # A subscriber manager grants access in the admin, by the reader's address, for a year.
    manager = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = manager.new_page()
    admin_sign_in(admin, "manager", "a-long-manager-password")
    admin.goto("/admin/readers/accessgrant/add/")
    admin.fill("#id_email", "dilnoza@example.uz")
    today = timezone.localdate()
    admin.fill("#id_first_day", today.isoformat())
    admin.fill("#id_last_day", (today + timedelta(days=365)).isoformat())
    admin.select_option("#id_reason", "print_subscription")
    admin.fill("#id_note", "Subscriber 1042")
    admin.click("input[name=_save]")
    admin.wait_for_selector(".messagelist")
    screenshot(f"manager-granted-{language}")
    manager.close()
    grant = AccessGrant.objects.get()

    # The reader now reads the whole text, told why.
    page.reload()
    assert "HIDDENMARKER" in page.content() and page.locator(".paywall").count() == 0
    assert say(language, "Your print subscription") in page.locator(".access-line").inner_text()
    shoot(page, screenshot, f"reader-reads-{language}")

    # The grant ends at its moment, with nothing run: the excerpt is back.
    with at(grant.ends_at + timedelta(seconds=1)):
        page.reload()
        assert "HIDDENMARKER" not in page.content() and page.locator(".paywall").is_visible()
        shoot(page, screenshot, f"reader-grant-ended-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_embargoed_article_opens_by_itself_and_is_found_by_a_word_of_its_hidden_part(
    page, screenshot, language
):
    issue = make_issue(
        year=2026, number_first=2, published_on=timezone.localdate(), embargo="days", embargo_days=1
    )
    article = make_print_first(
        issue=issue,
        title="Orol dengizi",
        language=language,
        lead="",
        hidden=("<p>HIDDENMARKER qoraqalpoq.</p>",),
    )
    moment = Article.objects.get(pk=article.pk).opens_at
    assert moment > timezone.now()

    page.goto(f"/{language}/search/?q=qoraqalpoq")
    assert page.locator(".search-results__count").is_visible() and page.locator(".search-result").count() == 0
    page.goto(f"/{language}/articles/{article.slug}/")
    assert page.locator(".paywall").is_visible() and "HIDDENMARKER" not in page.content()

    with at(moment + timedelta(seconds=1)):
        page.goto(f"/{language}/")
        page.fill("header input[name=q]", "qoraqalpoq")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=qoraqalpoq*")
        assert page.locator(".search-result mark", has_text="qoraqalpoq").first.is_visible()
        shoot(page, screenshot, f"embargo-search-{language}")
        page.get_by_role("link", name="Orol dengizi").first.click()
        page.wait_for_url(f"**/articles/{article.slug}/")
        assert "HIDDENMARKER" in page.content() and page.locator(".paywall").count() == 0
        shoot(page, screenshot, f"embargo-open-{language}")
