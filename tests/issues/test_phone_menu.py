"""The phone menu without script: a <details> disclosure holding every menu link, read from the HTML."""

from html.parser import HTMLParser

import pytest
from django.utils import translation

from tests.factories import make_article, make_issue, make_section

pytestmark = pytest.mark.django_db
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class MenuReader(HTMLParser):
    """The main <nav>'s label, its <details class="menu">, the <summary> text and the links and search
    form inside the details; and every <script> and style attribute on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.nav_label, self.summary, self.links = [], None, "", []
        self.details_in_nav = self.search_in_menu = False
        self.scripts = self.styles = 0

    def inside(self, css_class):
        return any(css_class in attrs.get("class", "").split() for _, attrs in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.scripts += tag == "script"
        self.styles += "style" in attrs
        classes = attrs.get("class", "").split()
        if tag == "nav" and "mainnav" in classes:
            self.nav_label = attrs.get("aria-label")
        if tag == "details" and "menu" in classes:
            self.details_in_nav = self.inside("mainnav")
        if self.inside("menu__body"):
            if tag == "a":
                self.links.append(attrs["href"])
            if tag == "form" and attrs.get("role") == "search":
                self.search_in_menu = True
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "summary":
            self.summary += data.strip()


def read_menu(html):
    reader = MenuReader()
    reader.feed(html)
    return reader


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_the_menu_is_a_disclosure_with_every_link_inside_and_no_script(client, language):
    issue = make_issue(year=2026, number_first=3)
    section = make_section(name="Tahlil", name_ru="Анализ", slug="tahlil")
    make_article(issue=issue, section=section, title="Rivers that divide")
    response = client.get(f"/{language}/")
    html = response.content.decode()
    menu = read_menu(html)
    with translation.override(language):
        assert menu.summary == translation.gettext("Menu") != "Menu"
        assert menu.nav_label == translation.gettext("Main")
    assert menu.details_in_nav, "the <details> is inside the labelled main <nav>"
    assert '<details class="menu" open' not in html, "closed until the reader opens it"
    assert menu.links == [
        f"/{language}/",
        f"/{language}/issues/",
        f"/{language}/sections/tahlil/",
        f"/{language}/contacts/",
    ]
    assert menu.search_in_menu
    assert menu.scripts == 0 and menu.styles == 0, "nothing the strict CSP would refuse"


def test_the_front_page_puts_the_issues_name_and_titles_in_the_order_a_phone_reads_them(client):
    issue = make_issue(year=2026, number_first=3, theme="Water and borders")
    make_article(issue=issue, section=make_section(), title="Rivers that divide")
    html = client.get("/uz/").content.decode()
    markers = ("issue-hero__cover", "issue-hero__head", "3/2026", "issue-hero__contents", "Rivers that")
    order = [html.index(marker) for marker in markers]
    assert order == sorted(order)


def test_the_menu_stays_a_shared_fragment(client, settings):
    """A second page is served the menu from the fragment cache: a change made behind the cache's
    back (no save signal, so the content version stays) does not show until the content changes."""
    settings.PAGE_CACHE_SECONDS = 0  # only the fragments are shared
    section = make_section(name="Tahlil", slug="tahlil")
    assert "/uz/sections/tahlil/" in read_menu(client.get("/uz/contacts/").content.decode()).links
    type(section).objects.filter(pk=section.pk).update(slug="changed-quietly")
    assert "/uz/sections/tahlil/" in read_menu(client.get("/uz/issues/").content.decode()).links
