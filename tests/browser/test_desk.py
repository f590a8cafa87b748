"""The editors' desk in the browser: an interview from Word to the reader, and the desk's own helpers.

The journey counts what the editor does (clicks, fields typed, files chosen, pages opened): it took
about 50 actions before the desk (issue 17); the count after signing in (password and second factor)
is printed and must stay under 25.
"""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone, translation

from articles.models import Article
from revisions.models import Revision
from tests.browser.conftest import SCREENSHOTS
from tests.factories import (
    image_file,
    make_article,
    make_docx,
    make_editor,
    make_issue,
    make_section,
    png_bytes,
)
from tests.staff_login import authenticator_for, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-long-demo-password"
# What an editor sees before touching the blocks: every rich-text editor on the page drawn.
EDITORS_READY = (
    "() => window.CKEDITOR && document.querySelectorAll('.cke').length"
    " === document.querySelectorAll('.block-editor .block:not(.empty-form) textarea').length"
    " && Object.values(CKEDITOR.instances).every(e => e.status === 'ready')"
)
INTERVIEWS = {
    "uz": {
        "title": "Chegaralar birlashtiradi",
        "interviewee": "Aziza Nurmatova",
        "paragraphs": [
            ("p", "Savol: Bu yil nima oʻzgardi?"),
            ("p", "Savdo yangi yoʻllar topdi."),
            ("p", "– Bu hammasi emas."),  # the interviewee going on, not a question: the editor fixes it
            ("p", "Suv ham muhim."),
            ("p", "Savol: Keyingi yil-chi?"),
            ("p", "Yana shunday boʻladi."),
            ("quote", "Suv — tinchlik."),
            ("img", png_bytes((640, 480)), "Chegara punkti"),
        ],
    },
    "ru": {
        "title": "Границы, которые соединяют",
        "interviewee": "Азиза Нурматова",
        "paragraphs": [
            ("p", "Вопрос: Что изменилось в этом году?"),
            ("p", "Торговля нашла новые дороги."),
            ("p", "– Это ещё не всё."),
            ("p", "Вода тоже важна."),
            ("p", "Вопрос: А в следующем году?"),
            ("p", "Будет так же."),
            ("quote", "Вода — это мир."),
            ("img", png_bytes((640, 480)), "Пограничный пункт"),
        ],
    },
}


class Editor:
    """The editor's hands: every click, field typed, file chosen and page opened is counted."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def count(self, result=None):
        self.actions += 1
        return result

    def open(self, url):
        return self.count(self.page.goto(url))

    def click(self, selector):
        return self.count(self.page.click(selector))

    def fill(self, selector, text):
        return self.count(self.page.fill(selector, text))

    def choose(self, selector, value):
        return self.count(self.page.select_option(selector, value))

    def upload(self, selector, name, data):
        return self.count(
            self.page.set_input_files(
                selector, {"name": name, "mimeType": "application/octet-stream", "buffer": data}
            )
        )

    def drag(self, source, target):
        """Press on `source`, start dragging, go to `target` and let go: one gesture.

        (Playwright's drag_and_drop presses before scrolling to the target, and the browser then
        starts the drag from whatever is under the pointer after the scroll.)
        """
        self.page.hover(source)
        box = self.page.locator(source).bounding_box()
        self.page.mouse.down()
        self.page.mouse.move(box["x"] + 10, box["y"] + 30, steps=3)
        self.page.hover(target)
        return self.count(self.page.mouse.up())

    def back(self):
        return self.count(self.page.go_back())


def browser_context(browser, live_server, language):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Accept-Language": language},
        timezone_id="Asia/Tashkent",
    )
    context.set_default_timeout(20_000)
    return context


def sign_in(editor):
    """The password, then the code of the editor's authenticator app (staff sign in with two factors)."""
    device = authenticator_for(get_user_model().objects.get(username="lola"))
    editor.open("/admin/")
    editor.fill("#id_username", "lola")
    editor.fill("#id_password", PASSWORD)
    editor.click("input[type=submit]")
    editor.page.wait_for_url("**/admin/two-factor/**")
    editor.fill("#id_code", totp_code(device))
    editor.click("#two-factor-form input[type=submit]")
    editor.page.wait_for_url(lambda url: "/two-factor/" not in url)


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_an_interview_goes_from_word_to_readers_in_under_25_actions(browser, live_server, language):
    interview = INTERVIEWS[language]
    make_editor(username="lola", password=PASSWORD)
    make_section(name="Suhbat")
    issue = make_issue(year=2026, number_first=3, number_last=4, theme="Suv", is_published=True)
    context = browser_context(browser, live_server, language)
    page = context.new_page()
    editor = Editor(page)

    def screenshot(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    sign_in(editor)
    sign_in_actions = editor.actions  # password and second factor: the same for any work in the admin
    editor.click("a[href='/admin/articles/article/import/']")  # on the dashboard
    docx = make_docx([("title", interview["title"]), *interview["paragraphs"]])
    editor.upload("#id_document", "interview.docx", docx)
    editor.fill("#id_interviewee_name", interview["interviewee"])
    editor.click("#id_issue + .select2 .select2-selection")
    editor.fill(".select2-container--open .select2-search__field", "3-4")
    editor.click(".select2-results__option:has-text('3-4/2026')")
    editor.click("input[name=upload]")

    # The preview of the split: nothing is saved yet; the editor fixes one block's kind.
    page.wait_for_selector(".import-blocks")
    kinds = page.eval_on_selector_all(".import-block select", "els => els.map(e => e.value)")
    assert kinds == ["question", "answer", "question", "answer", "question", "answer", "quote", "image"]
    assert not Article.objects.exists()
    screenshot(f"desk-import-preview-{language}")
    editor.choose("#id_blocks-2-kind", "answer")
    editor.click("#word-import-form input[type=submit]")
    page.wait_for_url("**/change/")
    article = Article.objects.get()
    assert article.issue == issue and article.language == language and article.status == "draft"

    # The change form: drag the quote up under the first answer (onto the top of the block after it).
    page.wait_for_function(EDITORS_READY)
    editor.drag("#blocks-6 .block__handle", "#blocks-2 .block__bar")
    order = page.eval_on_selector_all(
        ".block-editor .inline-related.block:not(.empty-form)", "els => els.map(e => e.dataset.kind)"
    )
    assert order == ["question", "answer", "quote", "answer", "answer", "question", "answer", "image"], order
    editor.choose("#id_access", "print_first")
    editor.fill("#id_public_block_count", "3")
    editor.fill("#id_tags", "suv, chegaralar")
    editor.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert [b.kind for b in article.blocks.all()][:4] == ["question", "answer", "quote", "answer"]
    screenshot(f"desk-blocks-{language}")

    # The preview shows where the public excerpt ends and the note readers get.
    article.refresh_from_db()
    assert (article.access, article.public_block_count) == ("print_first", 3)
    editor.click("a.previewlink")
    page.wait_for_selector(".preview-cut")
    cut = page.locator(".preview-cut")
    assert cut.is_visible() and page.locator(".preview-cut .paywall").is_visible()
    body = page.locator(".article__body").inner_text()
    quote_text, hidden_text = interview["paragraphs"][6][1], interview["paragraphs"][2][1][2:]
    assert (
        body.index(quote_text)
        < body.index(cut.locator(".preview-cut__label").first.inner_text())
        < body.index(hidden_text)
    )
    screenshot(f"desk-preview-cut-{language}")
    editor.back()

    # Scheduled a few seconds ahead, then published by the clock alone.
    moment = timezone.localtime() + timedelta(seconds=8)
    editor.choose("#id_status", "published")
    editor.fill("#id_publish_at_0", moment.strftime("%Y-%m-%d"))
    editor.fill("#id_publish_at_1", moment.strftime("%H:%M:%S"))
    editor.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    assert page.locator(".publication--scheduled").count() == 1

    interview_actions = editor.actions - sign_in_actions
    print(
        f"\nInterview journey ({language}): {interview_actions} actions after a sign-in of {sign_in_actions}"
    )
    assert interview_actions < 25

    article.refresh_from_db()
    assert article.publication_state() == "scheduled"
    with translation.override(language):
        url = article.get_absolute_url()
    reader = Client()
    assert reader.get(url).status_code == 404
    time.sleep(max(0, (moment - timezone.localtime()).total_seconds()) + 0.5)
    html = reader.get(url).content.decode()
    assert interview["title"] in html and quote_text in html
    assert hidden_text not in html and "Readers see up to here" not in html  # the cut is the editor's only
    context.close()


def test_blocks_move_with_the_keyboard_and_show_only_their_kinds_fields(page, live_server):
    make_editor(username="lola", password=PASSWORD)
    article = make_article(
        status=Article.Status.DRAFT,
        publish_at=None,
        interviewee_name="Aziza Nurmatova",
        blocks=[("question", "<p>First?</p>"), ("answer", "<p>Second.</p>"), ("text", "<p>Third.</p>")],
    )
    sign_in(Editor(page))
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.focus("#blocks-2 .block__handle")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.closest('.block').id") == "blocks-2"
    assert "1" in page.locator("[data-block-announcer]").inner_text()
    positions = [page.input_value(f"#id_blocks-{n}-position") for n in range(3)]
    assert positions == ["2", "3", "1"]
    assert page.locator("#blocks-1 .block__speaker").inner_text() == "Aziza Nurmatova"
    assert (
        not page.locator("#blocks-0 .form-row.field-image").is_visible()
        and page.locator("#blocks-0 .form-row.field-body").is_visible()
    )
    page.select_option("#id_blocks-0-kind", "image")
    assert (
        page.locator("#blocks-0 .form-row.field-image").is_visible()
        and not page.locator("#blocks-0 .form-row.field-body").is_visible()
    )
    page.select_option("#id_blocks-0-kind", "question")
    page.click("#blocks-group .add-row a")
    assert page.input_value("#id_blocks-3-position") == "4"
    page.wait_for_selector("#cke_id_blocks-3-body iframe")
    page.frame_locator("#cke_id_blocks-3-body iframe").locator("body").type("A new last block.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert [b.body for b in article.blocks.all()] == [
        "<p>Third.</p>",
        "<p>First?</p>",
        "<p>Second.</p>",
        "<p>A new last block.</p>",
    ]


def test_typing_is_autosaved_as_a_revision_and_leaving_warns(page, live_server, settings):
    settings.AUTOSAVE_SECONDS = 1
    make_editor(username="lola", password=PASSWORD)
    article = make_article(title="Saved title", status=Article.Status.DRAFT, publish_at=None)
    sign_in(Editor(page))
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.fill("#id_title", "Typed but not saved")
    page.wait_for_function("() => document.getElementById('desk-status').textContent.length > 0")
    revision = Revision.objects.for_object(article).get()
    assert revision.is_autosave and revision.data["fields"]["title"] == "Typed but not saved"
    article.refresh_from_db()
    assert article.title == "Saved title"
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_a_click_on_the_cover_sets_its_focal_point(page, live_server):
    make_editor(username="lola", password=PASSWORD)
    issue = make_issue(year=2026, number_first=9)
    issue.cover.save("c.jpg", image_file(size=(800, 400)), save=True)
    sign_in(Editor(page))
    page.goto(f"/admin/magazine/issue/{issue.pk}/change/")
    box = page.locator(".image-preview img").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert (page.input_value("#id_cover_focus_x"), page.input_value("#id_cover_focus_y")) == ("25", "75")
    assert page.locator(".image-preview__point").is_visible()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/magazine/issue/")
    issue.refresh_from_db()
    assert issue.cover_focus == (25, 75)
    assert page.locator("img.list-thumbnail").get_attribute("src").endswith("-c160x160-f25x75.webp")


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_lists_fit_1280_pixels_and_their_icons_render(browser, live_server, language):
    make_editor(username="lola", password=PASSWORD)
    long_title = "Markaziy Osiyo davlatlari oʻrtasidagi suv resurslari boʻyicha hamkorlikning yangi bosqichi"
    for n in range(6):
        issue = make_issue(year=2020 + n, number_first=1, number_last=2, theme=long_title)
        make_article(
            title=f"{long_title} {n}", issue=issue, publish_at=timezone.now() + timedelta(days=n - 3)
        )
    context = browser_context(browser, live_server, language)
    page = context.new_page()
    sign_in(Editor(page))
    for url in [
        "/admin/",
        "/admin/articles/article/",
        "/admin/magazine/issue/",
        "/admin/articles/author/",
        "/admin/magazine/event/",
        "/admin/magazine/section/",
        "/admin/taggit/tag/",
        "/admin/comments/comment/",
        "/admin/subscriptions/announcement/",
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, url
        overflowing = page.evaluate(
            "Array.from(document.querySelectorAll('.results'))"
            ".filter(r => r.scrollWidth > r.clientWidth + 1).length"
        )
        assert overflowing == 0, url
        broken = page.evaluate(
            "Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
        )
        assert not broken, (url, broken)
    context.close()


@pytest.mark.parametrize(
    ("language", "today", "note"), [("uz", "Bugun", "Eslatma"), ("ru", "Сегодня", "Внимание")]
)
def test_the_admins_own_scripts_speak_the_editors_language(browser, live_server, language, today, note):
    """Django's calendar shortcuts and time-zone note come from its JavaScript catalogue (and ours)."""
    make_editor(username="lola", password=PASSWORD)
    context = browser.new_context(
        base_url=live_server.url, extra_http_headers={"Accept-Language": language}, timezone_id="UTC"
    )
    page = context.new_page()
    sign_in(Editor(page))
    page.goto("/admin/articles/article/add/")
    page.wait_for_selector(".datetimeshortcuts")
    assert page.locator(".datetimeshortcuts a").first.inner_text() == today
    assert page.locator(".timezonewarning").first.inner_text().startswith(note)
    context.close()
