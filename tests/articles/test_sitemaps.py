import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from sitecache.topics import versions
from tests.factories import make_article, make_issue, make_print_first, make_section

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_urls(client):
    """{location: (lastmod, {hreflang: href})} of every page listed by the sitemap index, which parses."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    index = ET.fromstring(response.content)
    assert index.tag == f"{SM}sitemapindex"
    urls = {}
    for location in index.findall(f"{SM}sitemap/{SM}loc"):
        page = client.get(location.text.removeprefix("http://testserver"))
        assert page.status_code == 200
        root = ET.fromstring(page.content)
        assert root.tag == f"{SM}urlset"
        for url in root.findall(f"{SM}url"):
            urls[url.findtext(f"{SM}loc")] = (
                url.findtext(f"{SM}lastmod"),
                {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")},
            )
    return urls


def test_sitemap_lists_published_articles_only_each_under_its_language(client):
    make_article(slug="live", language="ru")
    make_article(slug="draft", status=Article.Status.DRAFT)
    make_article(slug="scheduled", publish_at=timezone.now() + timedelta(hours=1))
    make_article(slug="hidden-issue", issue=make_issue(is_published=False))
    urls = sitemap_urls(client)
    articles = sorted(loc for loc in urls if "/articles/" in loc)
    assert articles == ["http://testserver/ru/articles/live/"]
    assert urls["http://testserver/ru/articles/live/"][0] == timezone.localdate().isoformat()


def test_sitemap_never_carries_hidden_text(client):
    article = make_print_first()
    body = client.get("/sitemap-articles.xml").content.decode()
    assert article.slug in body and "HIDDENMARKER" not in body


def test_translations_are_alternates_of_each_other(client):
    original = make_article(slug="suv", language="uz")
    make_article(slug="voda", language="ru", translation_of=original)
    make_article(slug="water-draft", language="en", translation_of=original, status=Article.Status.DRAFT)
    urls = sitemap_urls(client)
    expected = {
        "uz": "http://testserver/uz/articles/suv/",
        "ru": "http://testserver/ru/articles/voda/",
        "x-default": "http://testserver/uz/articles/suv/",
    }
    assert urls["http://testserver/uz/articles/suv/"][1] == expected
    assert urls["http://testserver/ru/articles/voda/"][1] == expected
    assert not any("water-draft" in loc for loc in urls)


def test_issues_and_sections_are_listed_in_every_language(client):
    make_issue(year=2025, number_first=3)
    make_issue(year=2025, number_first=4, is_published=False)
    make_section(slug="analysis")
    urls = sitemap_urls(client)
    for code in ("uz", "ru", "en"):
        assert f"http://testserver/{code}/issues/2025/3/" in urls
        assert f"http://testserver/{code}/sections/analysis/" in urls
        assert f"http://testserver/{code}/" in urls
    assert not any("/issues/2025/4/" in loc for loc in urls)
    alternates = urls["http://testserver/ru/issues/2025/3/"][1]
    assert alternates["en"] == "http://testserver/en/issues/2025/3/"
    assert alternates["x-default"] == "http://testserver/issues/2025/3/"


def test_a_section_is_last_modified_with_its_newest_published_article(client):
    section = make_section(slug="analysis")
    make_article(section=section)
    lastmod, _alternates = sitemap_urls(client)["http://testserver/en/sections/analysis/"]
    assert lastmod == timezone.localdate().isoformat()


@pytest.mark.parametrize("count", [3, 60])
def test_sitemap_costs_the_same_for_3_or_60_articles(client, django_assert_max_num_queries, settings, count):
    """Articles (count and page), their translation groups, issues, sections."""
    settings.PAGE_CACHE_SECONDS = 0  # count the view's queries, not the caches'
    settings.FRAGMENT_CACHE_SECONDS = 0
    section = make_section()
    for n in range(count):
        original = make_article(section=section, issue=make_issue())
        if n % 3 == 0:
            make_article(language="ru", translation_of=original)
    with django_assert_max_num_queries(5):
        assert client.get("/sitemap-articles.xml").status_code == 200


def test_a_kept_sitemap_is_not_kept_for_a_missing_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_article(slug="in-the-map")
    assert client.get("/sitemap-articles.xml?p=9").status_code == 404
    assert "in-the-map" in client.get("/sitemap-articles.xml").content.decode()
    make_article(slug="new-in-the-map")
    assert "new-in-the-map" in client.get("/sitemap-articles.xml").content.decode()


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in body.splitlines()
    assert "Disallow: /admin/" in body.splitlines()
    assert "Disallow: /ru/search/" in body.splitlines()


def article_at(pk, days_ago, **fields):
    return make_article(pk=pk, slug=f"a{pk}", publish_at=timezone.now() - timedelta(days=days_ago), **fields)


@pytest.fixture
def small_pages(monkeypatch):
    """Sitemap pages of two articles, key ranges of ten: what a magazine of thousands has, in small."""
    monkeypatch.setattr("articles.sitemaps.ArticleSitemap.limit", 2)
    monkeypatch.setattr("articles.cache_topics.RANGE", 10)


def test_an_edit_cools_the_kept_sitemap_page_that_lists_it_and_no_other(client, small_pages):
    newest = [article_at(11, 1), article_at(12, 2)]
    older = [article_at(21, 3), article_at(22, 4)]
    first, second = "/sitemap-articles.xml?p=1", "/sitemap-articles.xml?p=2"
    assert "/a11/" in client.get(first).content.decode() and "/a21/" in client.get(second).content.decode()
    assert client.get(first)["X-Page-Cache"] == client.get(second)["X-Page-Cache"] == "hit"

    older[0].slug = "renamed"
    older[0].save()

    assert client.get(first)["X-Page-Cache"] == "hit"
    assert "/renamed/" in client.get(second).content.decode()
    newest[1].save()  # a new last-modified time, on the first page only
    assert client.get(second)["X-Page-Cache"] == "hit"
    assert client.get(first)["X-Page-Cache"] == "miss"


def test_a_translation_edit_cools_the_pages_of_its_versions(client, small_pages):
    original = article_at(11, 1, language="uz")
    article_at(12, 2)
    article_at(21, 3)
    translation = article_at(31, 4, language="ru", translation_of=original)
    first = "/sitemap-articles.xml?p=1"
    assert "/ru/articles/a31/" in client.get(first).content.decode()  # the alternate of a11

    translation.slug = "voda"
    translation.save()

    assert "/ru/articles/voda/" in client.get(first).content.decode()


def test_a_kept_sitemap_page_checks_a_few_topics_not_one_per_article(client, monkeypatch):
    for _n in range(40):
        make_article()
    client.get("/sitemap-articles.xml")
    read = []

    def counted(topics):
        topics = list(topics)
        read.extend(topics)
        return versions(topics)

    monkeypatch.setattr("sitecache.store.versions", counted)
    response = client.get("/sitemap-articles.xml")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    assert not any(topic.startswith("article:") for topic in read) and len(read) < 5
