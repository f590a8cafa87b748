"""Letters: multipart, from templates, in the subscriber's language, with absolute links."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from subscriptions.letters import AnnouncementLetters, confirmation_letter
from subscriptions.tokens import confirm_token_read, unsubscribe_token_read
from tests.factories import (
    image_file,
    make_announcement,
    make_article,
    make_issue,
    make_section,
    make_subscriber,
)

pytestmark = pytest.mark.django_db
SITE = "https://journal.example.uz"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = "editors@journal.example.uz"


@pytest.fixture
def announcement():
    issue = make_issue(
        year=2025,
        number_first=1,
        number_last=2,
        theme="Suv va chegaralar",
        theme_ru="Вода и границы",
        description="<p>Muharrir so'zi &amp; salom.</p>",
        description_ru='<p>Слово редактора &amp; привет. <a href="/ru/contacts/">Контакты</a></p>',
        cover=image_file(),
        cover_alt="Cover of 1-2/2025",
    )
    politics = make_section(name="Siyosat", name_ru="Политика", position=1)
    economy = make_section(name="Iqtisod", name_ru="Экономика", position=2)
    make_article(issue=issue, section=economy, title="Economy piece", slug="economy-piece")
    make_article(issue=issue, section=politics, title="Politics piece", slug="politics-piece")
    make_article(issue=issue, section=politics, title="Draft piece", status=Article.Status.DRAFT)
    make_article(
        issue=issue, section=politics, title="Tomorrow piece", publish_at=timezone.now() + timedelta(days=1)
    )
    return make_announcement(issue=issue)


def html_part(message):
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def links(text):
    return re.findall(r'href="([^"]+)"|src="([^"]+)"', text)


def test_the_announcement_is_multipart_with_the_issue_contents_and_the_editors_note(announcement):
    message = AnnouncementLetters(announcement).letter(make_subscriber(language="uz"))
    html = html_part(message)
    for part in (message.body, html):
        assert "1-2/2025" in part and "Suv va chegaralar" in part
        assert "Politics piece" in part and "Economy piece" in part
        assert "Draft piece" not in part and "Tomorrow piece" not in part
        assert (
            part.index("Siyosat")
            < part.index("Politics piece")
            < part.index("Iqtisod")
            < part.index("Economy")
        )
    assert "Muharrir so'zi & salom." in message.body  # plain text: no tags, no entities
    assert "<p>Muharrir so&#x27;zi &amp; salom.</p>" in html or "<p>Muharrir so'zi &amp; salom.</p>" in html
    assert message.subject == "“Mintaqaviy xavfsizlik” jurnalining 1-2/2025-soni chiqdi: Suv va chegaralar"


def test_every_link_of_the_announcement_is_absolute_and_in_the_subscribers_language(announcement):
    message = AnnouncementLetters(announcement).letter(make_subscriber(language="ru"))
    html = html_part(message)
    urls = [href or src for href, src in links(html)]
    assert urls and all(url.startswith(SITE + "/") for url in urls)
    assert f"{SITE}/ru/articles/politics-piece/" in urls
    assert f"{SITE}/ru/issues/2025/1-2/" in urls
    assert f"{SITE}/ru/contacts/" in urls  # a link in the editor's note, made absolute
    assert any(url.startswith(f"{SITE}/media/covers/") and url.endswith("-w480.webp") for url in urls)
    assert f"{SITE}/ru/articles/politics-piece/" in message.body
    assert "Вода и границы" in html and "Политика" in html and "Слово редактора" in html


def test_every_announcement_carries_one_click_unsubscribe_headers_for_its_own_subscriber(announcement):
    letters = AnnouncementLetters(announcement)
    first, second = make_subscriber(), make_subscriber(language="en")
    message = letters.letter(first)
    header = message.message()["List-Unsubscribe"]
    url = re.match(r"<(https://[^>]+)>, <mailto:editors@journal\.example\.uz\?subject=unsubscribe>", header)[
        1
    ]
    assert url.startswith(f"{SITE}/{first.language}/unsubscribe/")
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_token_read(url.split("/")[-2]) == (first.pk, first.email)
    assert url in message.body and url in html_part(message)
    assert letters.letter(second).extra_headers["List-Unsubscribe"] != header
    assert f"{SITE}/en/unsubscribe/" in letters.letter(second).body


def test_the_list_unsubscribe_header_is_never_folded_inside_its_url(announcement):
    import email.policy

    message = AnnouncementLetters(announcement).letter(make_subscriber(email="a" * 60 + "@example.org"))
    raw = message.message(policy=email.policy.SMTP).as_bytes().decode()
    [line] = [line for line in raw.split("\r\n") if line.startswith("List-Unsubscribe:")]
    assert re.fullmatch(r"List-Unsubscribe: <https://\S+/>,", line)
    assert "=?" not in line


def test_the_mailto_link_is_left_out_when_no_address_is_configured(announcement, settings):
    settings.SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = ""
    message = AnnouncementLetters(announcement).letter(make_subscriber())
    assert "mailto:" not in message.message()["List-Unsubscribe"]


def test_a_theme_with_line_breaks_cannot_inject_headers_into_the_subject(announcement):
    announcement.issue.theme = "Water\r\nBcc: victim@example.org"
    message = AnnouncementLetters(announcement).letter(make_subscriber())
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.message()["Bcc"] is None


def test_the_confirmation_letter_is_multipart_in_the_subscribers_language_with_a_signed_link(settings):
    subscriber = make_subscriber(status="pending", language="en")
    message = confirmation_letter(subscriber)
    [url] = re.findall(rf"{SITE}/en/subscribe/confirm/[^/\s]+/", message.body)
    assert url in html_part(message)
    assert confirm_token_read(url.split("/")[-2], max_age=60) == (subscriber.pk, subscriber.email)
    assert message.to == [subscriber.email]
    assert "7 days" in message.body
