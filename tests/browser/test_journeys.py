"""The main journeys of readers, visitors, subscribers, editors and moderators, each in two languages."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from comments.models import Comment, DiscussionSettings
from subscriptions.models import Subscriber
from subscriptions.sending import announcement_send
from subscriptions.services import announcement_create
from tests.browser.helpers import admin_sign_in, shoot
from tests.factories import (
    ensure_roles,
    image_file,
    make_article,
    make_issue,
    make_print_first,
    make_section,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
LANGUAGES = ["uz", "ru"]


def magazine():
    old = make_issue(year=2024, number_first=3, theme="Rivers")
    old.cover.save("c.jpg", image_file(), save=False)
    old.cover_alt = "Cover of 3/2024"
    old.save()
    make_issue(year=2025, number_first=1, number_last=2, theme="Borders")
    section = make_section(name="Tahlil", name_ru="Анализ", slug="tahlil")
    article = make_article(
        issue=old,
        section=section,
        title="Water diplomacy on the Amu Darya",
        tags=["water"],
        blocks=[("text", "<p>Upstream dams and downstream fields need one shared ledger.</p>")],
    )
    return old, article


@pytest.mark.parametrize("language", LANGUAGES)
def test_reader_goes_from_home_through_the_archive_to_an_article_a_tag_and_search(page, screenshot, language):
    old, article = magazine()
    page.goto(f"/{language}/")
    shoot(page, screenshot, f"reader-home-{language}")
    page.click(".mainnav a[href$='/issues/']")
    page.wait_for_url(f"**/{language}/issues/")
    shoot(page, screenshot, f"reader-archive-{language}")
    page.click(f"a[href='/{language}/issues/2024/3/']")
    page.wait_for_url("**/issues/2024/3/")
    page.get_by_role("link", name=article.title).click()
    page.wait_for_url(f"**/articles/{article.slug}/")
    assert page.locator("h1").inner_text() == article.title
    shoot(page, screenshot, f"reader-article-{language}")
    page.click(".article__tags a.tag")
    page.wait_for_url("**/tags/water/")
    assert page.get_by_role("link", name=article.title).is_visible()
    page.fill("header input[name=q]", "ledger")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=ledger*")
    shoot(page, screenshot, f"reader-search-{language}")
    page.get_by_role("link", name=article.title).first.click()
    page.wait_for_url(f"**/articles/{article.slug}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_visitor_comments_and_a_moderator_approves_in_bulk(page, screenshot, language):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"min_seconds_to_post": 0})
    article = make_article(title="Corridors", language=language)
    make_user(
        username="moderator", password="a-long-moderator-password", groups=["Moderators"], is_staff=True
    )
    url = f"/{language}/articles/{article.slug}/"

    page.goto(url)
    page.fill("#id_author_name", "Dilshod")
    page.fill("#id_author_email", "dilshod@example.org")
    page.fill("#id_body", "A thoughtful remark\nwith a second line.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-pending")
    assert page.locator(".comment--pending").count() == 1
    shoot(page, screenshot, f"visitor-pending-{language}")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    other = page.context.browser.new_context(base_url=page.url.split("/" + language)[0])
    stranger = other.new_page()
    stranger.goto(url)
    assert "A thoughtful remark" not in stranger.content()

    admin_sign_in(page, "moderator", "a-long-moderator-password")
    page.goto("/admin/comments/comment/")
    page.check(f"input[name=_selected_action][value='{comment.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    shoot(page, screenshot, f"moderator-approved-{language}")
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED

    stranger.goto(url)
    assert "A thoughtful remark" in stranger.locator(".comments").inner_text()
    other.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_subscriber_subscribes_confirms_from_the_letter_and_unsubscribes(
    page, screenshot, language, live_server
):
    mail.outbox.clear()
    page.goto(f"/{language}/")
    page.fill("#subscribe-box-email", "Reader@Example.ORG")
    page.select_option("#subscribe-box-language", language)
    page.click(".subscribe-box button[type=submit]")
    page.wait_for_url("**/subscribe/check-inbox/")
    shoot(page, screenshot, f"subscriber-check-inbox-{language}")
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    letter = mail.outbox[-1]
    confirm = re.search(r"https?://\S+/subscribe/confirm/\S+/", letter.body).group(0)
    page.goto(urlsplit(confirm).path)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED and subscriber.email == "Reader@example.org"
    shoot(page, screenshot, f"subscriber-confirmed-{language}")

    issue = make_issue(year=2025, number_first=6)
    announcement_send(announcement=announcement_create(issue=issue), rate=0)
    announcement = mail.outbox[-1]
    assert announcement.to == ["Reader@example.org"]
    unsubscribe = re.search(
        r"<(https?://[^>]+/unsubscribe/[^>]+)>", announcement.extra_headers["List-Unsubscribe"]
    )
    page.goto(urlsplit(unsubscribe.group(1)).path)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    shoot(page, screenshot, f"subscriber-unsubscribed-{language}")


def test_russian_browser_gets_the_russian_site_and_the_switcher_finds_translations(
    browser, live_server, screenshot
):
    original = make_article(
        title="Suv va chegaralar", language="uz", issue=make_issue(year=2025, number_first=3)
    )
    translation = make_article(title="Вода и границы", language="ru", translation_of=original)
    lonely = make_article(
        title="Только по-русски", language="ru", issue=make_issue(year=2025, number_first=4)
    )
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", extra_http_headers={"Accept-Language": "ru"}
    )
    page = context.new_page()
    page.goto("/")
    page.wait_for_url("**/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.goto(f"/ru/articles/{translation.slug}/")
    page.click(".langs a[hreflang=uz]")
    page.wait_for_url(f"**/uz/articles/{original.slug}/")
    assert page.locator("h1").inner_text() == "Suv va chegaralar"
    page.goto(f"/ru/articles/{lonely.slug}/")
    page.click(".langs a[hreflang=uz]")
    page.wait_for_url("**/uz/issues/2025/4/")
    screenshot("language-switch-fallback-1280")
    context.close()


def test_print_first_paywall_holds_in_the_browser(page):
    make_print_first(issue=make_issue(year=2025, number_first=5), title="Inside the talks")
    page.goto("/ru/")
    page.goto("/ru/issues/2025/5/")
    page.get_by_role("link", name="Inside the talks").click()
    assert page.locator(".paywall").is_visible() and "HIDDENMARKER" not in page.content()


def test_reader_finds_a_demo_article_by_a_word_and_opens_it(page, settings, tmp_path):
    from django.core.management import call_command

    ensure_roles()  # seed_demo puts its editor in the Editors group, which a flushed database lacks
    call_command("seed_demo", stdout=open(tmp_path / "seed.log", "w"))
    page.goto("/uz/")
    page.fill("header input[name=q]", "tanqisligi kuchaygan")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=tanqisligi*")
    result = page.get_by_role("link", name="Amudaryo havzasida suv taqsimoti")
    assert page.locator("mark").first.is_visible()
    result.first.click()
    page.wait_for_url("**/articles/amudaryo-havzasida-suv-taqsimoti/")
    assert page.locator("h1").inner_text() == "Amudaryo havzasida suv taqsimoti"
