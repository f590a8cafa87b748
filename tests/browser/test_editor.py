import pytest

from articles.models import Article
from tests.factories import make_editor, make_issue, make_section

pytestmark = pytest.mark.django_db(transaction=True)


def type_into_editor(page, index, text):
    """Type into the CKEditor iframe of the `index`-th block, as an editor would."""
    frame = page.frame_locator("#blocks-group iframe.cke_wysiwyg_frame").nth(index)
    body = frame.locator("body")
    body.click()
    body.type(text)


def test_editor_writes_an_interview_in_the_admin_and_sees_it_on_the_site(page, screenshot):
    make_editor(username="lola", password="a-long-demo-password")
    make_issue(year=2025, number_first=3, is_published=True)
    make_section(name="Suhbat")

    page.goto("/admin/login/")
    page.fill("#id_username", "lola")
    page.fill("#id_password", "a-long-demo-password")
    page.click("input[type=submit]")
    page.goto("/admin/articles/article/add/")
    page.fill("#id_title", "Borders that connect")
    page.fill("#id_interviewee_name", "Aziza Nurmatova")
    page.select_option("#id_status", "published")
    for n, (kind, text) in enumerate(
        [("question", "What changed this year?"), ("answer", "Trade found new roads.")]
    ):
        page.click("#blocks-group .add-row a")
        page.select_option(f"#id_blocks-{n}-kind", kind)
        page.fill(f"#id_blocks-{n}-position", str(n + 1))
        page.wait_for_selector(f"#cke_id_blocks-{n}-body iframe")
        type_into_editor(page, n, text)
    screenshot("admin-article-form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")

    article = Article.objects.get(title="Borders that connect")
    assert [b.kind for b in article.blocks.all()] == ["question", "answer"]
    page.goto(article.get_absolute_url())
    assert page.locator(".qa--question").inner_text().endswith("What changed this year?")
    assert "Trade found new roads." in page.locator(".qa--answer").inner_text()
