import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from articles.models import Article, ArticleBlock
from articles.search.query import PREPARED_MATCHES, found_keys, phrases_asked, ranked_page, search_articles
from tests.articles.test_admin import article_form, block_formset
from tests.factories import make_article, make_author, make_issue, make_print_first, make_section

pytestmark = pytest.mark.django_db


def search(client, q="", language="en", **params):
    response = client.get(f"/{language}/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def found(q, language="uz", **filters):
    return list(search_articles(q, language=language, **filters))


@pytest.mark.parametrize(
    ("fields", "query"),
    [
        ({"title": "Water diplomacy in the valley"}, "diplomacy"),
        ({"subtitle": "Notes on the Aral basin"}, "aral"),
        ({"lead": "Glaciers are melting faster than expected."}, "glaciers"),
        ({"tags": ["hydropower"]}, "hydropower"),
        ({"interviewee_name": "Rustam Aliyev"}, "aliyev"),
        ({"blocks": [("text", "<p>The <strong>transboundary</strong> rivers.</p>")]}, "transboundary"),
    ],
)
def test_search_finds_an_article_by_each_reader_visible_field(client, fields, query):
    article = make_article(**fields)
    make_article(title="Something else")
    assert found(query) == [article]
    assert article.title in search(client, query)


def test_search_finds_an_article_by_its_author():
    article = make_article(authors=[make_author(name="Malika Tosheva")])
    assert found("Tosheva") == [article]


def test_search_finds_the_public_excerpt_but_never_the_hidden_text(client):
    article = make_print_first(title="Borders", public=("<p>Public opening words.</p>",))
    assert found("opening") == [article]
    assert found("HIDDENMARKER") == []
    html = search(client, "HIDDENMARKER")
    assert "0 articles found" in html and "Borders" not in html


def test_snippet_highlights_the_words_and_never_quotes_hidden_text(client):
    make_print_first(title="Borders", public=("<p>Public opening words about water.</p>",))
    html = search(client, "opening water")
    assert "<mark>opening</mark>" in html and "<mark>water</mark>" in html
    assert "HIDDENMARKER" not in html


def test_snippet_escapes_the_text_and_adds_only_mark(client):
    make_article(title="Signs", lead='Compare a < b & "c" <em>never</em> escaping')
    html = search(client, "compare")
    assert "<mark>Compare</mark> a &lt; b &amp; &quot;c&quot;" in html
    assert "<em>never" not in html


def test_search_lists_published_articles_only():
    shown = make_article(title="Water one")
    make_article(title="Water draft", status=Article.Status.DRAFT)
    make_article(title="Water scheduled", publish_at=timezone.now() + timedelta(hours=1))
    make_article(title="Water unpublished issue", issue=make_issue(is_published=False))
    assert found("water") == [shown]


def test_a_title_match_ranks_before_a_match_in_the_text():
    in_text = make_article(title="Rivers", blocks=[("text", "<p>About energy in the region.</p>")])
    in_title = make_article(title="Energy security", publish_at=timezone.now() - timedelta(days=30))
    assert found("energy") == [in_title, in_text]


def test_with_several_words_the_more_of_them_in_the_title_the_higher():
    """Matches hold every word; they rank by where each word stands (title, lead, text) and how often."""
    text = "<p>Water and energy in the region.</p>"
    in_text = make_article(title="Rivers", blocks=[("text", text)])
    one_in_title = make_article(title="Water policy", blocks=[("text", text)])
    both_in_title = make_article(
        title="Water and energy",
        blocks=[("text", "<p>The region.</p>")],
        publish_at=timezone.now() - timedelta(days=30),
    )
    assert found("energy water") == [both_in_title, one_in_title, in_text]


def test_every_word_of_the_query_must_match():
    both = make_article(title="Water and energy")
    make_article(title="Water only")
    assert found("energy water") == [both]


def test_search_folds_the_case_of_cyrillic_words():
    article = make_article(title="Водная дипломатия", language="ru")
    assert found("ВОДНАЯ", language="ru") == [article]
    assert found("дипломатия", language="ru") == [article]


def test_filters_by_issue_year_and_section(client):
    section = make_section(slug="analysis")
    old = make_article(title="Water 2019", issue=make_issue(year=2019, number_first=1))
    new = make_article(title="Water 2024", issue=make_issue(year=2024, number_first=1), section=section)
    assert set(found("water")) == {old, new}
    assert found("water", year=2019) == [old]
    assert found("water", section=section) == [new]
    html = search(client, "water", year="2024", section="analysis")
    assert "Water 2024" in html and "Water 2019" not in html


def test_the_readers_version_of_a_translated_article_is_shown_once():
    original = make_article(title="Suv xavfsizligi water", language="uz")
    translation = make_article(title="Водная безопасность water", language="ru", translation_of=original)
    assert found("water", language="ru") == [translation]
    assert found("water", language="uz") == [original]
    # A word only the original has still finds it for a Russian reader.
    assert found("xavfsizligi", language="ru") == [original]


def test_a_match_in_another_language_stays_unless_the_readers_version_matches_too():
    """The one-version rule (versions_for_language) applied to the matches: a translation, its
    original and a sibling translation each give way to the reader's version only if it matches."""
    original = make_article(title="Dam original", language="uz")
    russian = make_article(title="Dam russian", language="ru", translation_of=original)
    english = make_article(title="Elsewhere english", language="en", translation_of=original)
    assert found("dam", language="ru") == [russian]  # the original gives way
    assert found("dam", language="uz") == [original]  # the translation gives way
    assert set(found("dam", language="en")) == {original, russian}  # the English version does not match
    assert found("elsewhere", language="uz") == [english]
    sibling = make_article(title="Dam english", language="en", translation_of=original)
    assert found("dam", language="en") == [sibling]  # the sibling translation and the original give way
    page = search(Client(), "dam", language="en")
    assert "1 article found" in page and "Dam english" in page and "Dam russian" not in page


def test_the_index_follows_blocks_tags_and_the_paywall():
    article = make_article(title="Index", access=Article.Access.PRINT_FIRST, public_block_count=1)
    first = ArticleBlock.objects.create(article=article, position=1, body="<p>alpha</p>")
    ArticleBlock.objects.create(article=article, position=2, body="<p>bravo</p>")
    assert found("alpha") == [article] and found("bravo") == []
    article.access = Article.Access.FREE
    article.save()
    assert found("bravo") == [article]
    first.delete()
    assert found("alpha") == []
    article.tags.add("charlie")
    assert found("charlie") == [article]
    article.tags.remove("charlie")
    assert found("charlie") == []


def test_renaming_an_author_updates_the_index():
    author = make_author(name="Old Name")
    article = make_article(authors=[author])
    author.name = "Fresh Name"
    author.save()
    assert found("fresh") == [article] and found("old") == []
    author.delete()
    assert found("fresh") == []


def test_the_indexed_text_is_only_what_an_anonymous_reader_sees():
    article = make_print_first(title="Only public")
    article.refresh_from_db()
    assert "Public opening words." in article.search_text
    assert "HIDDENMARKER" not in article.search_text


def test_an_empty_query_is_a_friendly_page_without_results(client):
    make_article(title="Water")
    html = search(client, "")
    assert "Type one or more words" in html and "Water" not in html


def test_a_long_query_is_cut_with_a_notice(client):
    make_article(title="Water")
    html = search(client, "water " + "x" * 10_000)
    assert "only its first 200 characters were searched" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "'; DROP TABLE articles_article; --"},
        {"q": ".*[(\\d+)]{2,}$^|?"},
        {"q": '"unbalanced quote'},
        {"q": "it's 'half"},
        {"q": "%_%"},
        {"q": "a\x00b\x01c"},
        {"q": "!!! & | <-> :* ()"},
        {"q": "-water OR"},
        {"q": "<script>alert(1)</script>"},
        {"q": "water", "year": "abc", "section": "nope"},
        {"q": "water", "year": "99999999999999999999"},
        {"q": "water", "page": "999"},
        {"q": "water", "page": "abc"},
        {"q": "water", "page": "-1"},
    ],
)
def test_bad_input_gets_a_clear_page_never_an_error(client, params):
    make_article(title="Water", issue=make_issue(year=2020, number_first=1))
    response = client.get("/en/search/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_unknown_filter_is_ignored_with_a_notice(client):
    make_article(title="Water")
    html = search(client, "water", year="abc", section="nope")
    assert "ignored" in html and "Water" in html


def test_search_box_is_in_the_header_of_every_page(client):
    html = client.get("/ru/").content.decode()
    assert 'role="search"' in html and 'action="/ru/search/"' in html and 'name="q"' in html


def test_results_are_paginated_and_keep_the_query(client):
    for n in range(25):
        make_article(title=f"Water {n}")
    html = search(client, "water")
    assert "25 articles found" in html
    assert "?q=water&amp;page=2" in html
    assert "Water" in search(client, "water", page=2)


def test_search_cards_are_rendered_with_no_cache_at_all(client, settings):
    """With the fragment cache off (make bench's cold rows), the result cards are rendered each time
    and the page shows the edit of an existing result at once."""
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    person = make_author(name="Dilnoza Yusupova", slug="dilnoza")
    article = make_article(title="Permafrost roads", authors=[person], issue=make_issue())
    make_article(title="Permafrost lakes")
    html = search(client, "permafrost")
    assert len(re.findall(r'<li class="search-result card">\s*<h2 class="card__title">', html)) == 2
    assert f'<a href="{article.get_absolute_url()}" lang="uz">Permafrost roads</a>' in html
    assert '<a class="byline__person" href="/en/people/dilnoza/">Dilnoza Yusupova</a>' in html

    article.title = "Permafrost roads, reopened"
    article.save()

    assert "Permafrost roads, reopened" in search(client, "permafrost")


@pytest.mark.parametrize("count", [3, 60])
def test_search_costs_the_same_for_3_or_60_articles(client, django_assert_max_num_queries, settings, count):
    """The newest matches (unranked), the ranked page with its texts (for snippets), tags, authors, the
    year and section filters (7); the layout's menu and sidebar (5, kept in the cache until the
    content changes); the moments pages change by themselves, looked up after a change (4: articles
    scheduled and opening, events starting and ending); the institutions' networks (1, kept in the
    cache, institutions.lookup)."""
    settings.PAGE_CACHE_SECONDS = 0  # count the page's queries, not the page cache's
    section, issue = make_section(), make_issue()
    authors = [make_author(), make_author()]
    for n in range(count):
        make_article(
            title=f"Water {n}",
            section=section,
            issue=issue,
            tags=["water", f"t{n}"],
            authors=authors,
            blocks=[("text", "<p>water text</p>")],
        )
    with django_assert_max_num_queries(17):
        html = search(client, "water")
    assert f"{count} articles found" in html


def test_search_index_rebuild_fills_the_index_of_existing_rows():
    article = make_print_first(title="Restored from a backup")
    Article.objects.update(search_text="", search_vector=None)
    assert found("restored") == []
    call_command("search_index_rebuild", stdout=io.StringIO())
    assert found("restored") == [article] and found("HIDDENMARKER") == []


def test_the_hidden_part_is_in_no_search_result_snippet_feed_or_sitemap(client):
    """One print-first article, every discovery output: HIDDENMARKER is never sent to a reader."""
    section = make_section(slug="interviews")
    make_print_first(title="Borders and water", section=section, tags=["borders"], lead="")
    pages = [
        *(
            f"/{code}/search/?q={q}"
            for code in ("uz", "ru", "en")
            for q in ("borders", "opening", "karimova")
        ),
        *(f"/uz/feeds/{kind}/" for kind in ("rss", "atom")),
        *(
            f"/en/feeds/{scope}/{kind}/"
            for scope in ("sections/interviews", "tags/borders")
            for kind in ("rss", "atom")
        ),
        "/sitemap.xml",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Borders and water" in response.content.decode() or url == "/sitemap.xml", url
        assert "HIDDENMARKER" not in response.content.decode(), url
    assert "0 articles found" in search(client, "HIDDENMARKER")


def test_an_article_saved_in_the_admin_is_indexed_with_its_final_blocks_and_tags(editor_client):
    data = article_form(title="Saved in the admin") | block_formset(
        [("question", "<p>Public question?</p>"), ("answer", "<p>HIDDENMARKER answer.</p>")]
    )
    assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
    article = Article.objects.get(title="Saved in the admin")
    assert found("question") == found("borders") == found("yusupov") == [article]
    assert found("HIDDENMARKER") == []


def test_results_are_paginated_with_their_total(client, django_assert_max_num_queries):
    for n in range(25):
        make_article(title=f"Glacier report {n}")
    client.get("/en/search/", {"q": "glacier"})  # the filters' choices and the cards are kept afterwards
    with django_assert_max_num_queries(1):
        first = client.get("/en/search/", {"q": "glacier"}).content.decode()
    assert "25 articles found" in first and first.count('class="search-result card"') == 20
    second = client.get("/en/search/", {"q": "glacier", "page": "2"}).content.decode()
    assert "25 articles found" in second and second.count('class="search-result card"') == 5
    past_the_end = client.get("/en/search/", {"q": "glacier", "page": "90000000000"}).content.decode()
    assert past_the_end.count('class="search-result card"') == 5


def test_each_results_page_is_a_slice_of_the_ranked_matches():
    """The search page loads one page of the ranking (on PostgreSQL a query compiled once per page,
    the keys one parameter): the pages, one after another, are the ranked list."""
    for n in range(25):
        make_article(title=f"Glacier {'glacier ' * (n % 3)}report {n}", lead="" if n % 2 else "Glacier lead.")
    keys = found_keys("glacier", language="en")
    ranked = search_articles("glacier", language="en")
    pages = [
        ranked_page("glacier", language="en", keys=keys, offset=offset, limit=20) for offset in (0, 20, 40)
    ]
    assert [len(page) for page in pages] == [20, 5, 0] and sorted(keys) == sorted(a.pk for a in ranked)
    assert [row["pk"] for page in pages for row in page] == [article.pk for article in ranked]
    assert [row["shown_text"] for row in pages[1]] == [article.shown_text for article in ranked[20:]]
    assert ranked_page("glacier", language="en", keys=[], offset=0, limit=20) == []


def test_a_word_in_more_articles_than_are_ranked_shows_the_newest_and_says_so(client, monkeypatch):
    """A word in nearly every article costs the same as a rarer one: only the newest MAX_RANKED + 1
    matches are ranked, and the page says there are more."""
    monkeypatch.setattr("articles.search.query.MAX_RANKED", 3)
    monkeypatch.setattr("articles.views.MAX_RANKED", 3)
    for prepared in PREPARED_MATCHES.values():  # compiled once per process, with its limit
        monkeypatch.setattr(prepared, "compiled", {})
    for n in range(6):
        make_article(title=f"Water report {n}", publish_at=timezone.now() - timedelta(days=n + 1))

    html = client.get("/en/search/?q=water").content.decode()

    assert "More than 3 articles found" in html
    assert "Water report 0" in html and "Water report 3" in html  # the newest four
    assert "Water report 4" not in html and "Water report 5" not in html
    assert "More than" not in client.get("/en/search/?q=report+5").content.decode()


@pytest.mark.parametrize(
    ("query", "asked"),
    [
        ("border-3", False),
        ("o'zbek tili", False),
        ("water -dam", True),
        ("-dam", True),
        ('"regional security"', True),
        ("regional security", False),
    ],
)
def test_a_quoted_phrase_or_a_negated_word_is_told_from_plain_words(query, asked):
    assert phrases_asked(query) is asked


@pytest.mark.skipif(connection.vendor != "postgresql", reason="phrases are PostgreSQL's websearch syntax")
def test_a_split_word_is_found_by_its_parts_and_a_quoted_phrase_keeps_its_order(client):
    """A word PostgreSQL splits (a hyphenated tag, an Uzbek o' word) is matched by all its parts, without
    the positions recheck (articles.search.query.AllParts); a quoted phrase still asks its order."""
    tagged = make_article(title="Checkpoints", tags=["border-3"], lead="")
    uzbek = make_article(title="Til haqida", lead="O'zbek tili va adabiyoti.")
    adjacent = make_article(title="Notes", lead="The regional security council met.")
    apart = make_article(title="Other notes", lead="Security is a regional matter.")

    assert found("border-3") == [tagged]
    assert found("o'zbek") == [uzbek]
    assert {a.pk for a in found("regional security")} == {adjacent.pk, apart.pk}
    assert found('"regional security"') == [adjacent]
    assert found("security -council") == [apart]
    html = search(client, "border-3")
    assert "Checkpoints" in html and "1 article found" in html


def test_the_language_links_of_a_search_keep_its_query_in_every_language(client):
    from urllib.parse import urlencode

    for query in ("water+border&year=2025", "suv+va+chegara"):
        html = client.get(f"/en/search/?q={query}").content.decode()
        shown = query.replace("&", "&amp;")
        for code in ("uz", "ru", "en"):
            assert f'hreflang="{code}" href="http://testserver/{code}/search/?q={shown}"' in html
        assert urlencode({"next": f"/ru/search/?q={query}"}) in html  # the switcher's link to Russian
