"""Accessibility in a real browser: axe-core on every public page type, the keyboard, and print."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from articles.models import ArticleBlock
from issues.models import Contacts
from tests.factories import (
    image_file,
    make_article,
    make_author,
    make_comment,
    make_event,
    make_issue,
    make_print_first,
    make_section,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["uz", "ru"]
WIDTHS = [1280, 375]
BLOCKING = {"serious", "critical"}
PATHS = {  # page type: path after the language prefix, into the data magazine() makes
    "home": "/",
    "archive": "/issues/",
    "issue": "/issues/2025/1-2/",
    "article-free": "/articles/water-diplomacy/",
    "article-print-first": "/articles/glaciers/",
    "section": "/sections/tahlil/",
    "tag": "/tags/water/",
    "contacts": "/contacts/",
    "events": "/events/",
    "search": "/search/?q=water",
    "pr": "/pr/",
    "not-found": "/no-such-page/",
    "subscribe": "/subscribe/",
    "person": "/people/dilshod-yusupov/",
    "people": "/people/",
}


def with_image(obj, field, alt, **kwargs):
    getattr(obj, field).save(f"{field}.jpg", image_file(**kwargs), save=False)
    setattr(obj, f"{field}_alt", alt)
    obj.save()
    return obj


def magazine():
    """A small magazine with every kind of content a public page shows, at the addresses of PATHS."""
    older = with_image(make_issue(year=2024, number_first=4, theme="Borders"), "cover", "Cover of 4/2024")
    issue = make_issue(
        year=2025,
        number_first=1,
        number_last=2,
        theme="Rivers and borders",
        theme_ru="Реки и границы",
        price="25 000 so'm",
        where_to_buy="Kiosks in Tashkent",
    )
    with_image(issue, "cover", "Cover of 1-2/2025", color=(30, 60, 90))
    analysis = make_section(name="Tahlil", name_ru="Анализ", slug="tahlil", description="Long reads.")
    interview = make_section(name="Suhbat", name_ru="Интервью", slug="suhbat")
    author = make_author(
        name="Dilshod Yusupov", slug="dilshod-yusupov", position="Researcher", bio="Writes on water."
    )
    free = make_article(
        issue=issue,
        section=analysis,
        title="Water diplomacy on the Amu Darya",
        subtitle="Upstream and downstream",
        slug="water-diplomacy",
        tags=["water", "climate"],
        authors=[author],
        blocks=[
            ("text", "<p>Upstream dams and downstream fields need one shared ledger.</p>"),
            ("question", "<p>What changed this year?</p>"),
            ("answer", "<p>The <a href='https://example.com/report'>report</a> on river flows.</p>"),
            ("quote", "<p>Water is the new border.</p>"),
        ],
    )
    with_image(free, "cover", "A river between two banks", size=(1600, 900))
    figure = ArticleBlock(article=free, position=5, kind=ArticleBlock.Kind.IMAGE, caption="The dam, 2024.")
    with_image(figure, "image", "A concrete dam across a narrow valley", size=(1200, 800))
    make_comment(parent=make_comment(article=free, body="A thoughtful piece."), body="Agreed, well argued.")
    make_print_first(issue=issue, section=interview, title="Glaciers are melting", slug="glaciers")
    make_article(issue=older, section=analysis, title="Borders and trust", slug="borders", tags=["water"])
    make_article(title="A partner's forum on trade", slug="partner-forum", is_sponsored=True)
    now = timezone.now()
    upcoming = make_event(title="Presentation of issue 1-2/2025", starts_at=now + timedelta(days=5))
    with_image(upcoming, "image", "The hall of the presentation", size=(1200, 800))
    make_event(title="Round table on water", place="Tashkent", starts_at=now - timedelta(days=30))
    Contacts(address="Tashkent, Amir Temur 1", phone="+998 71 000 00 00", email="editors@example.com").save()


def blocking_violations(page):
    """The serious and critical axe-core violations on the page, one readable line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PATHS)
def test_page_has_no_serious_accessibility_violations(page, screenshot, name, language):
    magazine()
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(f"/{language}{PATHS[name]}")
        assert response.status == (404 if name == "not-found" else 200)
        assert page.locator("html").get_attribute("lang") == language
        found[width] = blocking_violations(page)
        screenshot(f"{name}-{language}-{width}")
    assert found == {width: [] for width in WIDTHS}


def test_dark_color_scheme_keeps_contrast_on_an_article(page):
    magazine()
    page.emulate_media(color_scheme="dark")
    page.goto(f"/uz{PATHS['article-print-first']}")
    assert blocking_violations(page) == []


def focused(page, script):
    return page.evaluate(f"({script})(document.activeElement)")


def test_skip_link_comes_first_and_moves_focus_to_the_content(page):
    magazine()
    page.goto("/uz/")
    page.keyboard.press("Tab")
    assert focused(page, "el => el.className") == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    page.wait_for_url("**/uz/#content")
    assert focused(page, "el => el.id") == "content"
    # The next Tab starts from the content, past the masthead and the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")


def test_focus_is_visible_and_the_language_switcher_is_reachable_by_tab(page):
    magazine()
    page.goto("/ru/")
    languages, outlines = set(), []
    for _ in range(15):
        page.keyboard.press("Tab")
        tag, css_class, lang = focused(page, "el => [el.tagName, el.className, el.lang]")
        if tag == "A":
            outlines.append(focused(page, "el => getComputedStyle(el).outlineStyle"))
        if css_class == "langs__link":
            languages.add(lang)
    assert languages == {"uz", "ru", "en"}
    assert outlines and "none" not in outlines, outlines


def test_print_stylesheet_keeps_the_article_and_drops_the_site_around_it(page):
    magazine()
    page.goto(f"/uz{PATHS['article-free']}")
    page.emulate_media(media="print")

    def display(selector):
        return page.eval_on_selector(selector, "el => getComputedStyle(el).display")

    for selector in (".langs", ".mainnav", ".page__sidebar", ".footer", ".share", ".comments"):
        assert display(selector) == "none", selector
    assert display(".article__title") != "none"
    assert page.locator(".article__title").is_visible()
    page.emulate_media(media="screen")
    assert display(".mainnav") != "none"
