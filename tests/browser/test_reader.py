import pytest

from tests.factories import image_file, make_issue, make_print_first, make_section

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reader_follows_the_latest_issue_to_an_article_and_meets_the_paywall(page, screenshot):
    issue = make_issue(
        year=2025, number_first=1, number_last=2, theme="Rivers and borders", price="25 000 so'm"
    )
    issue.cover.save("cover.jpg", image_file(), save=False)
    issue.cover_alt = "The cover of issue 1-2/2025"
    issue.save()
    make_print_first(issue=issue, section=make_section(name="Suhbat"), title="Water is the new border")

    page.goto("/uz/")
    screenshot("home-1280")
    page.get_by_role("link", name="1-2/2025").first.click()
    page.wait_for_url("**/issues/2025/1-2/")
    page.get_by_role("link", name="Water is the new border").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == "Water is the new border"
    assert page.locator(".paywall").is_visible()
    assert "HIDDENMARKER" not in page.content()
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot("article-print-first-375")
