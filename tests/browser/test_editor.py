import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from issues.models import Issue
from tests.browser.helpers import admin_sign_in
from tests.factories import make_editor, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def type_into_editor(page, index, text):
    """Type into the CKEditor iframe of the `index`-th block, as an editor would."""
    frame = page.frame_locator("#blocks-group iframe.cke_wysiwyg_frame").nth(index)
    body = frame.locator("body")
    body.click()
    body.type(text)


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_editor_creates_an_issue_and_schedules_an_interview_that_then_appears(
    browser, live_server, screenshot, language
):
    make_editor(username="lola", password="a-long-demo-password")
    make_section(name="Suhbat")
    context = browser.new_context(base_url=live_server.url, extra_http_headers={"Accept-Language": language})
    context.set_default_timeout(20_000)
    page = context.new_page()

    page.goto("/admin/login/")
    assert page.locator("html").get_attribute("lang") == language
    admin_sign_in(page, "lola", "a-long-demo-password")

    page.goto("/admin/magazine/issue/add/")
    page.fill("#id_year", "2026")
    page.fill("#id_number_first", "1")
    page.fill("#id_number_last", "2")
    page.fill("#id_theme", "Suv va chegaralar")
    page.check("#id_is_published")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/magazine/issue/")
    issue = Issue.objects.get()
    assert issue.label == "1-2/2026"

    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Borders that connect")
    page.fill("#id_interviewee_name", "Aziza Nurmatova")
    page.click("#id_issue + .select2 .select2-selection")  # the admin's autocomplete widget
    page.fill(".select2-container--open .select2-search__field", "2026")
    page.click(".select2-results__option:has-text('1-2/2026')")
    page.select_option("#id_status", "published")
    moment = timezone.localtime() + timedelta(seconds=6)
    page.fill("#id_publish_at_0", moment.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", moment.strftime("%H:%M:%S"))
    for n, (kind, text) in enumerate(
        [("question", "What changed this year?"), ("answer", "Trade found new roads.")]
    ):
        page.click("#blocks-group .add-row a")
        page.select_option(f"#id_blocks-{n}-kind", kind)
        assert page.input_value(f"#id_blocks-{n}-position") == str(n + 1)  # a new block goes last
        page.wait_for_selector(f"#cke_id_blocks-{n}-body iframe")
        type_into_editor(page, n, text)
    screenshot(f"editor-article-form-{language}")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")

    article = Article.objects.get(title="Borders that connect")
    assert [b.kind for b in article.blocks.all()] == ["question", "answer"]
    assert article.issue == issue and not article.is_published()
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 404

    time.sleep(max(0, (moment - timezone.localtime()).total_seconds()) + 0.5)
    page.goto(f"/{language}/issues/2026/1-2/")
    page.get_by_role("link", name="Borders that connect").click()
    assert page.locator(".qa--question").inner_text().endswith("What changed this year?")
    assert "Trade found new roads." in page.locator(".qa--answer").inner_text()
    screenshot(f"editor-scheduled-article-live-{language}")
    context.close()
