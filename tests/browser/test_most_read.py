"""Most read: a reader's visits count (no cookie of ours), and the sidebar leads others to the article."""

import pytest

from reach.reads import reads_fold
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import shoot
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [
        ("ru", "Водная дипломатия на Амударье", "Самое читаемое за неделю"),
        ("uz", "Amudaryodagi suv diplomatiyasi", "Hafta davomida eng koʻp oʻqilganlar"),
    ],
)
def test_a_read_article_appears_in_the_most_read_list_and_leads_back_to_it(
    browser, live_server, language, title, heading
):
    article = make_article(language=language, title=title)
    make_article(language=language, title="Unread")
    context = browser.new_context(base_url=live_server.url, user_agent=DESKTOP_CHROME)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        for _ in range(2):
            page.goto(f"/{language}/articles/{article.slug}/")
            assert page.locator("h1").first.inner_text().strip() == title
        assert reads_fold() == 2  # what manage.py reach_tick does every five minutes
        page.goto(f"/{language}/")
        widget = page.locator(".widget--most-read")
        assert widget.locator("h2").text_content() == heading  # CSS shows it in capitals
        assert widget.locator("li").count() == 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shoot(
            page,
            lambda name: page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True),
            f"most-read-{language}",
        )
        widget.get_by_role("link", name=title).click()
        page.wait_for_url(f"**/{language}/articles/{article.slug}/")
        # The reader got no cookie of the counter's: only the language and CSRF ones the site sets anyway.
        assert {cookie["name"] for cookie in context.cookies()} <= {"csrftoken", "django_language"}
    finally:
        context.close()
