"""The admin pages editors use read completely and grammatically in Uzbek and Russian.

Every page is fetched in uz and ru; its visible text (and the titles, labels and buttons a screen
reader says) must not hold an English interface string (any msgid of our catalogue, Django's or
django-taggit's: a string left untranslated), nor one of the known-broken forms (Django's
"Добавить %s" puts our model names in the nominative: "Добавить статья").
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
import taggit
from django.apps import apps
from django.contrib import admin
from django.utils import translation

from articles.models import Article
from tests.factories import make_article, make_issue, make_section, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DJANGO = Path(django.__file__).parent
CATALOGUES = [
    ROOT / "issues/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po",
    DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
    Path(taggit.__file__).parent / "locale/en/LC_MESSAGES/django.po",
]
# Words that are the same in every language (names, codes) and never count as English left behind.
SAME_EVERYWHERE = {"OK", "Email", "PR", "Telegram", "uz", "ru", "en", "ID", "URL", "CSV", "Spam"}
SKIPPED_TAGS = {"script", "style", "textarea", "title"}
SPOKEN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


class English:
    """Every English interface string of two words or more (or one long word); placeholders match anything."""

    def __init__(self):
        exact, formats = set(), set()
        for path in CATALOGUES:
            for entry in polib.pofile(str(path)):
                for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                    words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", msgid))
                    if len(words) < 2 and (len(msgid) <= 3 or msgid in SAME_EVERYWHERE or not words):
                        continue
                    if PLACEHOLDER.search(msgid):
                        formats.add(".+?".join(re.escape(part) for part in PLACEHOLDER.split(msgid)))
                    else:
                        exact.add(" ".join(msgid.split()))
        self.exact = exact
        self.formats = re.compile("^(?:" + "|".join(sorted(formats)) + ")$", re.DOTALL)

    def match(self, text):
        return text in self.exact or bool(self.formats.match(text))


class TextCollector(HTMLParser):
    """The visible text nodes of a page and the attributes that are read aloud, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.texts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        attributes = dict(attrs)
        for name in SPOKEN_ATTRIBUTES & attributes.keys():
            self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value", ""))
        if "data-inline-formset" in attributes:  # the inline's "add" link, written by Django's script
            options = json.loads(attributes["data-inline-formset"])["options"]
            self.texts += [options["addText"], options["deleteText"]]

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def texts_of(html):
    collector = TextCollector()
    collector.feed(html)
    return {" ".join(text.split()) for text in collector.texts if text and text.strip()}


def known_broken(language):
    """Forms that are wrong whatever the context, built from the names of the models in the admin.

    Russian: a feminine name left in the nominative after a transitive verb ("Добавить статья").
    Uzbek: the verb glued to the name ("maqolaqoʻshish") or put before it ("Qoʻshish maqola").
    """
    with translation.override(language):
        names = {str(model._meta.verbose_name) for model in admin.site._registry}
    if language == "uz":
        alternatives = "|".join(re.escape(name) for name in names)
        return [
            re.compile(rf"(?:{alternatives})qo[‘'ʻ’]shish", re.IGNORECASE),
            re.compile(rf"^Qo[‘'ʻ’]shish (?:{alternatives})\b", re.IGNORECASE),
        ]
    feminine = "|".join(re.escape(name) for name in names if name.endswith(("а", "я")))
    verbs = "Добавить|Изменить|Выберите|Просмотреть|Удалить"
    return [re.compile(rf"\b(?:{verbs}) (?:ещ[её] один )?(?:{feminine})\b", re.IGNORECASE)]


@pytest.fixture(scope="module")
def english():
    return English()


def editor_pages():
    """The pages an editor opens, made ready with a little content of every kind."""
    section = make_section(name="Tahlil")
    issue = make_issue(year=2026, number_first=3, number_last=4, theme="Suv")
    article = make_article(
        title="Suv diplomatiyasi",
        issue=issue,
        section=section,
        interviewee_name="Aziza Nurmatova",
        access=Article.Access.PRINT_FIRST,
        blocks=[("question", "<p>Savol?</p>"), ("answer", "<p>Javob.</p>")],
    )
    event = apps.get_model("magazine", "Event").objects.create(title="Taqdimot", starts_at=article.publish_at)
    author = apps.get_model("articles", "Author").objects.create(name="Lola Karimova", slug="lola")
    return [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?publication=scheduled",
        "/admin/articles/article/add/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/delete/",
        f"/admin/articles/article/{article.pk}/history/",
        f"/admin/articles/article/{article.pk}/revisions/",
        "/admin/articles/article/import/",
        f"/admin/articles/article/{article.pk}/import/",
        "/admin/articles/author/",
        f"/admin/articles/author/{author.pk}/change/",
        "/admin/magazine/issue/",
        "/admin/magazine/issue/add/",
        f"/admin/magazine/issue/{issue.pk}/change/",
        "/admin/magazine/section/",
        f"/admin/magazine/section/{section.pk}/change/",
        "/admin/magazine/event/",
        f"/admin/magazine/event/{event.pk}/change/",
        "/admin/magazine/event/add/",
        "/admin/taggit/tag/",
        "/admin/taggit/tag/add/",
        "/admin/comments/comment/",
        "/admin/subscriptions/announcement/",
        "/admin/password_change/",
    ]


def problems_on(client, url, language, english):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, url
    found, broken = [], known_broken(language)
    for text in texts_of(response.content.decode()):
        if english.match(text):
            found.append(f"untranslated: {text!r}")
        if any(pattern.search(text) for pattern in broken):
            found.append(f"broken: {text!r}")
        if PLACEHOLDER.search(text):
            found.append(f"placeholder left in: {text!r}")
    return dict.fromkeys(found, url)


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_pages_editors_use_are_translated_and_grammatical(client, english, language):
    client.force_login(make_user(groups=["Editors"], is_staff=True))
    problems = {}
    for url in editor_pages():
        problems = problems_on(client, url, language, english) | problems
    assert not problems, "\n".join(f"{problem} (first on {url})" for problem, url in sorted(problems.items()))


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_sign_in_page_is_translated(client, english, language):
    assert not problems_on(client, "/admin/login/", language, english)


def test_the_walk_finds_an_untranslated_string(english):
    """The detector itself: an English button or a nominative after "Добавить" is caught."""
    assert english.match("Save and add another")
    assert english.match("Filter by publish at")
    assert any(pattern.search("Добавить статья") for pattern in known_broken("ru"))
    assert any(pattern.search("Maqolaqoʻshish") for pattern in known_broken("uz"))
    assert any(pattern.search("Qo'shish maqola") for pattern in known_broken("uz"))
    assert not any(pattern.search("Maqola qoʻshish") for pattern in known_broken("uz"))
    assert not any(pattern.search("Добавить статью") for pattern in known_broken("ru"))
