"""A reader's personal feed: found on the account page, read by a feed reader, reset when it leaks."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation

from tests.browser.helpers import shoot
from tests.factories import make_grant, make_print_first, make_reader
from tests.readers.helpers import LINK

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fetch(url):
    """(status, body) of `url` as a feed reader gets it: no cookie, no session."""
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.parametrize("language", ["ru"])
def test_a_reader_with_access_copies_the_feed_address_reads_the_whole_text_and_resets_it(
    page, screenshot, language
):
    mail.outbox.clear()
    make_print_first(title="Водная дипломатия", language=language)
    make_grant(reader=make_reader(email="dilnoza@example.uz", language=language))

    page.goto(f"/{language}/account/sign-in/")
    page.fill("#id_email", "dilnoza@example.uz")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/sign-in/check-inbox/")
    page.goto(urlsplit(LINK.search(mail.outbox[-1].body)[0]).path)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/{language}/account/")

    with translation.override(language):
        heading = translation.gettext("Your personal feed")
        reset = translation.gettext("Reset the address")
    assert page.get_by_role("heading", name=heading).is_visible()
    field = page.locator("#account-feed-url")
    old = field.input_value()
    assert f"/{language}/feeds/reader/" in old and field.get_attribute("readonly") is not None
    shoot(page, screenshot, f"reader-feed-{language}")

    status, body = fetch(old)
    assert status == 200 and "Водная дипломатия" in body and "HIDDENMARKER" in body

    page.get_by_role("button", name=reset).click()
    page.wait_for_url(f"**/{language}/account/#account-feed")
    new = page.locator("#account-feed-url").input_value()
    assert new != old and f"/{language}/feeds/reader/" in new
    assert fetch(old)[0] == 404
    status, body = fetch(new)
    assert status == 200 and "HIDDENMARKER" in body
    shoot(page, screenshot, f"reader-feed-reset-{language}")
