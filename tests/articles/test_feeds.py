import itertools
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ArticleBlock
from articles.paywall import public_blocks, public_blocks_prefetch, visible_blocks
from tests.factories import make_article, make_author, make_issue, make_print_first, make_section

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_URLS = [
    "/{lang}/feeds/rss/",
    "/{lang}/feeds/atom/",
    "/{lang}/feeds/sections/{section}/rss/",
    "/{lang}/feeds/sections/{section}/atom/",
    "/{lang}/feeds/tags/{tag}/rss/",
    "/{lang}/feeds/tags/{tag}/atom/",
]


def get_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, ET.fromstring(response.content)


def rss_items(root):
    """The items of a valid RSS 2.0 document, after checking its required elements."""
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), name
    items = channel.findall("item")
    for item in items:
        for name in ("title", "link", "guid"):
            assert item.findtext(name), name
    return items


def atom_entries(root):
    """The entries of a valid Atom document, after checking its required elements."""
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}"), name
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{name}"), name
        assert entry.find(f"{ATOM}link").get("href")
    return entries


def test_site_rss_is_valid_and_lists_published_articles(client):
    shown = make_article(
        title="Water diplomacy", authors=[make_author(name="Malika Tosheva")], tags=["water"]
    )
    make_article(title="A draft", status=Article.Status.DRAFT)
    make_article(title="Tomorrow", publish_at=timezone.now() + timedelta(days=1))
    make_article(title="In an unpublished issue", issue=make_issue(is_published=False))
    response, root = get_xml(client, "/uz/feeds/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = rss_items(root)
    assert [item.findtext("title") for item in items] == ["Water diplomacy"]
    assert items[0].findtext("link") == f"http://testserver{shown.get_absolute_url()}"
    assert items[0].findtext("category") == "water"
    assert "Malika Tosheva" in items[0].findtext("{http://purl.org/dc/elements/1.1/}creator")


def test_site_atom_is_valid_and_lists_published_articles(client):
    make_article(title="Water diplomacy")
    make_article(title="A draft", status=Article.Status.DRAFT)
    response, root = get_xml(client, "/uz/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = atom_entries(root)
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Water diplomacy"]


def test_an_empty_feed_is_still_valid(client):
    rss_items(get_xml(client, "/en/feeds/rss/")[1])
    atom_entries(get_xml(client, "/en/feeds/atom/")[1])


def test_no_feed_ever_carries_hidden_text(client):
    section = make_section(slug="interviews")
    article = make_print_first(section=section, tags=["borders"], lead="")
    for pattern in FEED_URLS:
        response = client.get(pattern.format(lang="uz", section="interviews", tag="borders"))
        body = response.content.decode()
        assert response.status_code == 200
        assert article.title in body and "Public opening words." in body
        assert "HIDDENMARKER" not in body


def test_a_free_article_has_its_whole_text_and_a_print_first_one_its_excerpt(client):
    make_article(
        title="Free",
        blocks=[("text", "<p>First free paragraph.</p>"), ("quote", "<p>Last free paragraph.</p>")],
    )
    make_print_first(title="Print", issue=make_issue(year=2025, number_first=2))
    items = {
        item.findtext("title"): item.findtext("description")
        for item in rss_items(get_xml(client, "/en/feeds/rss/")[1])
    }
    assert "First free paragraph." in items["Free"] and "Last free paragraph." in items["Free"]
    assert "Public opening words." in items["Print"] and "HIDDENMARKER" not in items["Print"]
    assert "issue 2/2025" in items["Print"]


def test_section_and_tag_feeds_list_only_their_articles(client):
    section = make_section(slug="analysis")
    make_article(title="In section", section=section)
    make_article(title="Tagged", tags=["water"])
    make_article(title="Elsewhere")
    titles = [
        item.findtext("title") for item in rss_items(get_xml(client, "/uz/feeds/sections/analysis/rss/")[1])
    ]
    assert titles == ["In section"]
    entries = atom_entries(get_xml(client, "/uz/feeds/tags/water/atom/")[1])
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Tagged"]


def test_unknown_section_or_tag_feed_is_404(client):
    assert client.get("/uz/feeds/sections/nope/rss/").status_code == 404
    assert client.get("/uz/feeds/tags/nope/atom/").status_code == 404


def test_the_language_prefix_selects_the_feed_language(client):
    original = make_article(title="Suv diplomatiyasi", language="uz")
    make_article(title="Водная дипломатия", language="ru", translation_of=original, slug="vodnaya")
    root = get_xml(client, "/ru/feeds/rss/")[1]
    assert root.find("channel").findtext("language") == "ru"
    items = rss_items(root)
    assert [item.findtext("title") for item in items] == ["Водная дипломатия"]
    assert items[0].findtext("link") == "http://testserver/ru/articles/vodnaya/"
    uz_titles = [item.findtext("title") for item in rss_items(get_xml(client, "/uz/feeds/rss/")[1])]
    assert uz_titles == ["Suv diplomatiyasi"]


def test_feed_has_at_most_30_items_newest_first(client):
    now = timezone.now()
    for n in range(35):
        make_article(title=f"Article {n:02}", publish_at=now - timedelta(hours=n + 1))
    titles = [item.findtext("title") for item in rss_items(get_xml(client, "/uz/feeds/rss/")[1])]
    assert len(titles) == 30 and titles[0] == "Article 00" and titles[-1] == "Article 29"


@pytest.mark.parametrize("count", [3, 60])
def test_feeds_cost_the_same_for_3_or_60_articles(client, django_assert_max_num_queries, settings, count):
    """Articles, tags, authors, public blocks (4), and the section or tag of its feed (1)."""
    settings.PAGE_CACHE_SECONDS = 0  # count the feed's queries, not the caches'
    settings.FRAGMENT_CACHE_SECONDS = 0
    section = make_section(slug="analysis")
    for n in range(count):
        make_print_first(
            section=section,
            tags=["water"],
            authors=[make_author()],
            issue=make_issue(),
            lead="" if n % 2 else "L",
        )
    for pattern in FEED_URLS:
        with django_assert_max_num_queries(5):
            assert client.get(pattern.format(lang="en", section="analysis", tag="water")).status_code == 200


def test_a_feed_is_kept_until_the_content_changes(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0  # the feed is a shared document, kept even without the page cache
    make_article(title="First in the feed")
    assert "First in the feed" in client.get("/en/feeds/rss/").content.decode()
    with django_assert_num_queries(0):
        assert "First in the feed" in client.get("/en/feeds/rss/").content.decode()
    make_article(title="Second in the feed")
    assert "Second in the feed" in client.get("/en/feeds/rss/").content.decode()


def test_a_kept_feed_is_compressed_once_and_still_follows_its_content(client, settings, compressions):
    """A feed reader that accepts gzip gets the kept feed gzipped, compressed when it was kept, not
    at every request; one that does not gets it plain; an edit is seen at once by both."""
    import gzip

    settings.PAGE_CACHE_SECONDS = 0
    make_article(title="First in the feed")
    plain = client.get("/en/feeds/rss/")
    assert "First in the feed" in plain.content.decode()
    compressions.clear()

    bodies = set()
    for _ in range(3):
        zipped = client.get("/en/feeds/rss/", headers={"accept-encoding": "gzip, deflate"})
        assert zipped["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in zipped["Vary"]
        assert gzip.decompress(zipped.content) == plain.content
        bodies.add(zipped.content)
    assert compressions == []  # kept gzipped by the first request, which was plain
    assert len(bodies) == 1  # so a feed reader's If-None-Match still gets a 304
    revalidated = client.get(
        "/en/feeds/rss/", headers={"accept-encoding": "gzip", "if-none-match": zipped["ETag"]}
    )
    assert revalidated.status_code == 304
    again = client.get("/en/feeds/rss/")
    assert not again.has_header("Content-Encoding") and "Accept-Encoding" in again["Vary"]
    assert again.content == plain.content

    make_article(title="Second in the feed")
    zipped = client.get("/en/feeds/rss/", headers={"accept-encoding": "gzip"})
    assert "Second in the feed" in gzip.decompress(zipped.content).decode()
    assert "Second in the feed" in client.get("/en/feeds/rss/").content.decode()


def test_a_kept_feed_under_the_page_cache_goes_out_gzipped_from_either(client, settings, compressions):
    """Kept twice over (a document, then a page): a gzipping reader gets it whole from the first
    request, whichever of the two had it, and it is compressed once, by the page cache."""
    import gzip

    make_article(title="First in the feed")
    settings.PAGE_CACHE_SECONDS = 0
    plain = client.get("/en/feeds/rss/").content  # kept as a document only
    settings.PAGE_CACHE_SECONDS = 3600
    compressions.clear()
    for state in ("miss", "hit"):
        response = client.get("/en/feeds/rss/", headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and response["X-Page-Cache"] == state
        assert response["Content-Encoding"] == "gzip" and gzip.decompress(response.content) == plain
    assert len(compressions) == 1


def test_prefetched_public_blocks_agree_with_visible_blocks():
    """The feeds' one-query Prefetch is the paywall rule too: same blocks for every combination."""
    articles = []
    for access, count, positions in itertools.product(
        Article.Access.values, [0, 1, 2, 5], [(1, 2, 3), (0, 0, 5), (7, 3, 3, 1)]
    ):
        article = make_article(access=access, public_block_count=count)
        for position in positions:
            ArticleBlock.objects.create(article=article, position=position, body=f"<p>{position}</p>")
        articles.append(article)
    loaded = Article.objects.filter(pk__in=[a.pk for a in articles]).prefetch_related(
        public_blocks_prefetch()
    )
    for article in loaded:
        assert [b.pk for b in public_blocks(article)] == [b.pk for b in visible_blocks(article, None)]
