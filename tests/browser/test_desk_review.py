"""The editors' desk in a browser, in Uzbek and Russian: an interview approved by its interviewee, a comment
moderated from its row, an announcement previewed, tested and sent, a revision restored."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from approvals.models import Approval, Proposal
from articles.models import Article
from comments.models import Comment
from outbox.models import Letter
from revisions.models import Revision
from revisions.snapshots import revision_create
from subscriptions.models import Delivery
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import admin_sign_in
from tests.browser.test_accessibility import blocking_violations
from tests.conftest import DATABASE_TASKS, TaskQueue
from tests.factories import (
    make_announcement,
    make_article,
    make_comment,
    make_editor,
    make_interview,
    make_issue,
    make_subscriber,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["uz", "ru"]
PASSWORD = "a-long-editor-password"


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def admin_page(browser, live_server, language):
    """A browser speaking `language`, so the admin does too."""
    context = browser.new_context(
        base_url=live_server.url,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_interview_is_approved_with_one_change_that_the_editor_accepts(browser, live_server, language):
    make_editor(username="lola", password=PASSWORD, email="lola@example.org")
    article = make_interview(language=language)
    context, page = admin_page(browser, live_server, language)
    admin_sign_in(page, "lola", PASSWORD)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click(f"a[href='/admin/articles/article/{article.pk}/approval/']")
    page.fill("#id_email", "aziza@example.org")
    page.fill("#id_message", "Juma kunigacha o'qib chiqing.")
    shoot(page, f"approval-send-{language}")
    page.click("#approval-send-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")

    letter = mail.outbox[-1]
    assert letter.to == ["aziza@example.org"]
    link = urlsplit(re.search(r"https?://\S+/approval/\d+/\S+/", letter.body).group(0)).path

    interviewee = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    reader = interviewee.new_page()
    reader.goto(link)
    assert reader.locator("html").get_attribute("lang") == language
    assert "HIDDENMARKER" in reader.content()  # the whole text, print-only part included
    assert blocking_violations(reader) == []
    second = reader.locator(".approval-block").nth(1)
    second.locator("summary").click()
    second.locator("textarea").first.fill("Trade found new and safer roads.")
    second.locator("textarea").nth(1).fill("Safer is the point.")
    shoot(reader, f"approval-interviewee-{language}")
    reader.click("button[name=answer][value=changes]")
    reader.wait_for_selector(".approval-answer")
    shoot(reader, f"approval-answered-{language}")
    interviewee.close()

    page.goto(f"/admin/articles/article/{article.pk}/approval/")
    assert page.locator(".approval-proposal ins").first.inner_text().strip() == "and safer"
    shoot(page, f"approval-proposals-{language}")
    page.click(".approval-proposal__actions button.default")
    page.wait_for_selector(".messagelist .success")
    block = article.blocks.order_by("position")[1]
    assert block.body == "<p>Trade found <b>new</b> and safer roads.</p>"
    assert Proposal.objects.get().decision == Proposal.Decision.ACCEPTED

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    summary = page.locator(".approval-summary").inner_text()
    assert "Aziza Nurmatova" in summary and Approval.objects.get().answered_at.strftime("%Y") in summary
    assert Revision.objects.for_object(article).count() == 3  # sent, answered, accepted
    shoot(page, f"approval-article-{language}")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_comment_is_approved_from_its_row_and_another_marked_spam_with_a_key(
    browser, live_server, language
):
    make_user(username="moderator", password=PASSWORD, groups=["Moderators"], is_staff=True)
    article = make_article(title="Corridors", language=language)
    first = make_comment(article=article, body="A thoughtful remark.", status="pending")
    spam = make_comment(article=article, body="Cheap loans here.", status="pending")
    context, page = admin_page(browser, live_server, language)
    admin_sign_in(page, "moderator", PASSWORD, next_path="/admin/comments/comment/")
    page.goto("/admin/comments/comment/")
    row = page.locator("#result_list tbody tr", has_text="A thoughtful remark.")
    assert row.get_by_role("link", name="Corridors").is_visible()
    shoot(page, f"comment-queue-{language}")
    row.locator("[data-key=a]").click()
    page.wait_for_selector(".messagelist .success")
    assert Comment.objects.get(pk=first.pk).status == Comment.Status.APPROVED

    assert page.locator("#result_list tbody tr.is-current").inner_text().count("Cheap loans here.") == 1
    page.keyboard.press("s")
    page.wait_for_selector(".messagelist .success")
    assert Comment.objects.get(pk=spam.pk).status == Comment.Status.SPAM
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_announcement_is_previewed_test_sent_and_sent_with_progress(
    browser, live_server, settings, language
):
    settings.TASKS, settings.SUBSCRIPTIONS_SEND_RATE = DATABASE_TASKS, 0  # letters wait for a worker
    worker = TaskQueue()
    make_editor(username="lola", password=PASSWORD, email="lola@example.org")
    issue = make_issue(year=2026, number_first=3, theme="Suv", theme_ru="Вода")
    make_article(issue=issue, title="Daryolar", language="uz")
    make_article(issue=issue, title="Реки", language="ru")
    announcement = make_announcement(issue=issue)
    for n in range(3):
        make_subscriber(email=f"reader{n}@example.org", language=language)
    context, page = admin_page(browser, live_server, language)
    admin_sign_in(page, "lola", PASSWORD)

    page.goto(f"/admin/subscriptions/announcement/{announcement.pk}/change/")
    page.wait_for_load_state("load")
    preview = page.frame_locator("iframe[name=announcement-preview-frame]")
    page.click("a[href$='/preview/ru/'][target]")
    preview.locator("a", has_text="Реки").wait_for()  # the Russian letter lists the Russian article
    assert "3/2026" in preview.locator("h1").inner_text()
    page.click("a[href$='/preview/uz/'][target]")
    preview.locator("a", has_text="Daryolar").wait_for()
    shoot(page, f"announcement-preview-{language}")

    page.select_option("#announcement-test-language", language)
    page.click(".announcement-test button")
    page.wait_for_selector(".messagelist .success")
    page.wait_for_load_state("load")
    assert worker.run() >= 1  # the worker takes the test letter; no page request is running meanwhile
    test_letter = mail.outbox[-1]
    assert test_letter.to == ["lola@example.org"] and test_letter.subject.startswith(
        ("[Test]", "[Sinov]", "[Тест]")
    )
    assert Letter.objects.get(kind=Letter.Kind.TEST).status == Letter.Status.SENT

    # Progress requests wait here while the worker sends: the page and the worker never run at once.
    held = []
    page.route("**/progress/", lambda route: held.append(route))
    page.click("a[href$='/send/']")
    page.wait_for_url("**/send/")
    assert page.locator("input[type=submit]").get_attribute("value").count("3") == 1
    shoot(page, f"announcement-confirm-{language}")
    page.click("input[type=submit]")
    page.wait_for_url("**/change/")
    page.wait_for_load_state("load")
    while not held:
        page.wait_for_timeout(100)
    assert worker.run() == 1
    assert Delivery.objects.filter(status="sent").count() == 3 and len(mail.outbox) == 4
    for route in held:
        route.continue_()
    page.unroute("**/progress/")
    page.locator("#announcement-progress progress[value='3'][max='3']").wait_for()  # the page followed
    assert "3" in page.locator(".announcement-progress__text").inner_text()
    shoot(page, f"announcement-sent-{language}")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_revision_is_restored_after_the_confirmation(browser, live_server, language):
    editor = make_editor(username="lola", password=PASSWORD)
    article = make_article(
        title="Borders that connect",
        language=language,
        tags=["water"],
        blocks=[("question", "<p>What changed?</p>"), ("answer", "<p>Trade found new roads.</p>")],
    )
    revision_create(obj=article, user=editor, related=("blocks",), comment="First.")
    Article.objects.filter(pk=article.pk).update(title="Borders that divide")
    article.refresh_from_db()
    article.blocks.filter(position=2).update(body="<p>Trade stopped.</p>")
    article.tags.set(["water", "energy"])
    revision_create(obj=article, user=editor, related=("blocks",), comment="Second.")
    context, page = admin_page(browser, live_server, language)
    admin_sign_in(page, "lola", PASSWORD)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.click(f"a[href='/admin/articles/article/{article.pk}/revisions/']")
    assert page.locator(".revision-current").count() == 1
    page.click("a.revision-restore")
    page.wait_for_url("**/restore/")
    # What will change: struck-through goes, underlined comes back.
    assert page.locator(".revision-change del", has_text="divide").count() == 1
    assert page.locator(".revision-change ins", has_text="connect").count() == 1
    assert page.locator(".revision-change ins", has_text="found new roads").count() == 1
    assert page.locator(".revision-change del", has_text="energy").count() == 1
    shoot(page, f"revision-restore-confirm-{language}")
    page.click("form.revision-restore-actions button[type=submit]")
    page.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.title == "Borders that connect" and sorted(article.tags.names()) == ["water"]
    assert [b.body for b in article.blocks.all()][1] == "<p>Trade found new roads.</p>"
    context.close()
