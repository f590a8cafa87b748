"""The front page on a 375 px phone: the latest issue's titles on the first screen, a menu button
that works without script and from the keyboard, no sideways scrolling, and axe at that width."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_accessibility import PATHS, blocking_violations, magazine, with_image
from tests.factories import make_article, make_grant, make_issue, make_reader, make_section
from tests.readers.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = {"width": 375, "height": 812}
TITLES = [  # long enough to wrap on a phone, as the magazine's titles do
    "Water diplomacy on the Amu Darya after the new dams",
    "Borders, trade and trust in the Fergana valley",
    "What the Caspian summit changed for the region",
    "Security cooperation in Central Asia: a ten-year record",
    "Migration, remittances and the labour markets",
]


def latest_issue():
    """The newest issue, its cover and five articles in two rubrics, for the front page."""
    issue = make_issue(year=2026, number_first=3, theme="Water and borders", theme_ru="Вода и границы")
    with_image(issue, "cover", "Cover of 3/2026", color=(30, 60, 90))
    analysis = make_section(name="Tahlil", name_ru="Анализ", slug="phone-tahlil")
    review = make_section(name="Sharh", name_ru="Обзор", slug="phone-sharh")
    for position, title in enumerate(TITLES):
        make_article(
            issue=issue,
            section=analysis if position < 3 else review,
            position=position,
            title=title,
            subtitle="Upstream and downstream",
        )
    return issue


def scroll_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


WIDER = """width => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5)
  .map(el => `${el.tagName}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}`)"""


def wider_than(page, width):
    """The first elements that reach past `width`, to say what scrolls sideways."""
    return page.evaluate(WIDER, width)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_front_page_shows_the_latest_titles_on_the_first_screen(phone, language):
    latest_issue()
    phone.goto(f"/{language}/")
    titles = phone.locator(".issue-hero .card__title a")
    assert titles.count() == len(TITLES)
    tops = [titles.nth(i).bounding_box()["y"] for i in range(3)]
    assert all(top < PHONE["height"] for top in tops), tops
    cover = phone.locator(".issue-hero__cover img").bounding_box()
    assert cover["width"] <= 120, "the cover is small beside the issue's name"
    assert scroll_width(phone) <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"phone-home-{language}-375.png"))
    phone.set_viewport_size({"width": 320, "height": 640})
    assert scroll_width(phone) <= 320
    phone.screenshot(path=str(SCREENSHOTS / f"phone-home-{language}-320.png"))


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_menu_button_opens_and_closes_the_menu_from_the_keyboard(phone, language):
    latest_issue()
    phone.goto(f"/{language}/")
    menu, links = phone.locator("details.menu"), phone.locator(".mainnav__list a")
    button = phone.locator("summary.menu__button")
    assert button.is_visible() and not links.first.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] < 100, "on the brand's line"
    for _ in range(12):  # Tab to the button, as a keyboard user does
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.matches('summary.menu__button')"):
            break
    else:
        pytest.fail("the menu button cannot be reached with Tab")
    phone.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    assert links.first.is_visible() and links.count() >= 4
    for i in range(links.count()):
        link = links.nth(i).bounding_box()
        assert link["height"] >= 44, "a touch target of 44 px"
    phone.screenshot(path=str(SCREENSHOTS / f"phone-menu-{language}-375.png"))
    phone.keyboard.press("Tab")  # the first link is next in the tab order
    assert phone.evaluate("document.activeElement.closest('.mainnav__list') !== null")
    assert phone.evaluate("document.activeElement.getAttribute('href')") == f"/{language}/"
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Space")
    assert menu.get_attribute("open") is None
    assert not links.first.is_visible()
    phone.keyboard.press("Space")
    assert links.first.is_visible()
    links.nth(1).click()  # the archive of issues, reached from the open menu
    phone.wait_for_url(f"**/{language}/issues/")


def test_a_wide_screen_shows_the_menu_open_without_the_button(page):
    latest_issue()
    page.goto("/uz/")
    assert not page.locator("summary.menu__button").is_visible()
    assert page.locator(".mainnav__list a").first.is_visible()
    assert page.locator("#search-form-q").is_visible()
    assert page.locator(".issue-hero__cover img").bounding_box()["width"] > 150


def sign_in_reader(page, live_server):
    """The browser holds the session of a reader with a grant, as after a sign-in by letter."""
    reader = make_reader(email="dilnoza@example.uz")
    make_grant(reader=reader)
    client = sign_in_as(Client(), reader)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


SIDEWAYS = ["home", "issue", "article-free", "article-print-first", "search", "subscribe"]


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_scrolls_sideways_on_a_phone(page, live_server, width):
    magazine()
    sign_in_reader(page, live_server)
    page.set_viewport_size({"width": width, "height": 812})
    paths = [PATHS[name] for name in SIDEWAYS] + ["/account/", "/account/sign-in/"]
    for language in ("uz", "ru"):
        for path in paths:
            page.goto(f"/{language}{path}")
            assert scroll_width(page) <= width, (language, path, wider_than(page, width))
            page.locator("summary.menu__button").click()
            assert scroll_width(page) <= width, (language, path, "menu open")
    page.goto("/ru/account/")
    assert page.locator(".reader-link a").get_attribute("href") == "/ru/account/", "signed in"
    page.screenshot(path=str(SCREENSHOTS / f"phone-account-ru-{width}.png"))


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_phone_pages_have_no_serious_accessibility_violations(phone, language):
    magazine()
    latest_issue()
    found = {}
    for name in ("home", "issue", "article-free"):
        phone.goto(f"/{language}{PATHS[name]}")
        found[name] = blocking_violations(phone)
        phone.locator("summary.menu__button").click()
        found[f"{name} (menu open)"] = blocking_violations(phone)
    assert found == dict.fromkeys(found, [])
