import json
import re
from html import unescape

import pytest

from tests.factories import image_file, make_article, make_author, make_issue, make_print_first

pytestmark = pytest.mark.django_db


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def meta(html, attr, name):
    match = re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def test_print_first_article_declares_its_paywall_in_json_ld(client):
    issue = make_issue(year=2025, number_first=1, number_last=2)
    article = make_print_first(
        issue=issue, title="Water is the new border", authors=[make_author(name="Malika T.")]
    )
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@type"] == "NewsArticle" and data["headline"] == "Water is the new border"
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"] == {
        "@type": "WebPageElement",
        "isAccessibleForFree": False,
        "cssSelector": ".paywall",
    }
    assert data["isPartOf"]["@type"] == "PublicationIssue" and data["isPartOf"]["issueNumber"] == "1-2"
    (author,) = article.authors.all()
    url = f"http://testserver/{article.language}/people/{author.slug}/"  # the person's page (issue 21)
    assert data["author"] == [{"@type": "Person", "name": "Malika T.", "url": url}]


def test_free_article_is_free_in_json_ld(client):
    data = json_ld(client.get(make_article().get_absolute_url()).content.decode())
    assert data["isAccessibleForFree"] is True


def test_json_ld_cannot_be_broken_out_of(client):
    article = make_article(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["headline"].startswith("</script>")


def test_article_has_title_description_canonical_and_social_cards(client):
    article = make_article(title="Corridors", lead="Roads, rails and the politics of transit.", language="ru")
    article.cover.save("c.jpg", image_file(size=(1200, 800)), save=True)
    html = client.get(f"/uz/articles/{article.slug}/").content.decode()
    assert "<title>Corridors ·" in html
    assert meta(html, "name", "description") == "Roads, rails and the politics of transit."
    assert f'<link rel="canonical" href="http://testserver/ru/articles/{article.slug}/">' in html
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:title") == "Corridors"
    # The social card is the cover cropped to 1200×630 around its focal point (the middle by default).
    assert meta(html, "property", "og:image").endswith("-c1200x630-f50x50.webp")
    assert meta(html, "name", "twitter:card") == "summary_large_image"


@pytest.mark.parametrize("url", ["/uz/", "/uz/issues/", "/en/events/", "/ru/pr/", "/uz/contacts/"])
def test_every_page_has_meta_tags(client, url):
    make_issue()
    html = client.get(url).content.decode()
    for name in ("og:title", "og:description", "og:url"):
        assert meta(html, "property", name), (url, name)
    assert meta(html, "name", "description") and '<link rel="canonical"' in html


def test_hidden_text_is_in_no_meta_json_ld_or_share_link(client):
    article = make_print_first(lead="")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" not in html


def test_share_links_are_plain_links_with_no_third_party_script(client):
    article = make_article(title="Borders & bridges")
    html = client.get(article.get_absolute_url()).content.decode()
    for host in (
        "https://t.me/share/url?",
        "https://www.facebook.com/sharer/",
        "https://x.com/intent/post?",
        "https://vk.com/share.php?",
        "https://wa.me/?",
        "mailto:?",
    ):
        assert host in html, host
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert "Borders+%26+bridges" in html or "Borders%20%26%20bridges" in html


def test_sponsored_article_is_labelled_and_its_links_are_sponsored(client):
    article = make_article(
        is_sponsored=True, blocks=[("text", '<p><a href="https://partner.example">p</a></p>')]
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'rel="sponsored noopener noreferrer"' in html
    assert "badge--pr" in html


def test_pr_page_lists_only_sponsored_articles(client, django_assert_max_num_queries):
    make_article(title="Partner story", is_sponsored=True)
    make_article(title="Editorial story")
    with django_assert_max_num_queries(12):
        html = client.get("/uz/pr/").content.decode()
    assert "Partner story" in html and "Editorial story" not in html.split("<main")[1].split("</main>")[0]
