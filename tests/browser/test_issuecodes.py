"""A code from the printed issue in the browser: a signed-in reader scans the QR code's link, redeems
the code, and reads that issue's print-first interview whole while another issue's stays cut."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from issuecodes.exports import redeem_url
from issuecodes.models import CodeBatch
from readers.models import AccessGrant
from tests.browser.test_accessibility import blocking_violations
from tests.factories import make_batch, make_issue, make_print_first, make_reader
from tests.readers.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_reader_in(page, live_server, reader):
    """Give the browser the session cookie of a reader signed in as a sign-in letter would."""
    client = sign_in_as(Client(), reader)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_a_reader_scans_the_code_of_the_issue_and_reads_its_interview_whole(page, live_server, language):
    reader = make_reader(language=language)
    batch, codes = make_batch(kind=CodeBatch.Kind.SHARED, count=100, language=language, access_days=60)
    opened = make_print_first(issue=batch.issue, language=language, title="Suv diplomatiyasi")
    other = make_print_first(issue=make_issue(), language=language, title="Chegaralar")
    sign_reader_in(page, live_server, reader)

    link = urlsplit(redeem_url(codes[0], language))  # what the QR code in the issue holds
    assert link.path == f"/{language}/account/redeem/"
    page.goto(f"{link.path}?{link.query}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.input_value("#id_code") == codes[0]
    assert blocking_violations(page) == []
    page.click("form.reader-form button[type=submit]")
    page.wait_for_url(f"**{batch.issue.get_absolute_url().replace('/en/', f'/{language}/')}")
    assert batch.issue.label in page.locator(".messages").inner_text()

    page.goto(opened.get_absolute_url().replace("/en/", f"/{language}/"))
    assert "HIDDENMARKER" in page.content()
    page.goto(other.get_absolute_url().replace("/en/", f"/{language}/"))
    assert "HIDDENMARKER" not in page.content()
    assert page.locator(".paywall").count() == 1
    grant = AccessGrant.objects.get(reader=reader)
    assert grant.reason == AccessGrant.Reason.CODE and list(grant.issues.all()) == [batch.issue]
