import pytest

from articles.models import Article
from tests.factories import make_article, make_author, make_issue, make_section

pytestmark = pytest.mark.django_db


def main_of(html):
    return html.split("<main")[1].split("</main>")[0]


def test_a_card_escapes_what_writers_typed(client):
    section = make_section(name="Rubric <i>", slug="rubric")
    make_article(
        section=section,
        title="Title <script>alert(1)</script>",
        subtitle='Sub "quoted" & <b>',
        lead="Lead <img src=x onerror=alert(1)>",
        authors=[make_author(name="Ann <b>Bold</b>")],
    )
    make_article(section=section, interviewee_name="Guest <u>", title="An interview")
    html = main_of(client.get("/uz/sections/rubric/").content.decode())
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<u>" not in html
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Sub &quot;quoted&quot; &amp; &lt;b&gt;" in html
    assert "Lead &lt;img src=x onerror=alert(1)&gt;" in html
    assert ">Ann &lt;b&gt;Bold&lt;/b&gt;</a>" in html
    assert "Guest &lt;u&gt;" in html


def test_a_card_keeps_its_markers_links_and_language(client):
    issue = make_issue(year=2026, number_first=1)
    section = make_section(name="Tahlil", name_ru="Анализ", slug="tahlil")
    person = make_author(name="Guest Person", slug="guest-person")
    make_article(
        issue=issue,
        section=section,
        slug="print-piece",
        title="Print piece",
        access=Article.Access.PRINT_FIRST,
        is_sponsored=True,
        interviewee=person,
        interviewee_name="Guest Person",
    )
    make_article(section=section, slug="ru-piece", title="Русская статья", language="ru")
    html = main_of(client.get("/uz/sections/tahlil/").content.decode())
    assert '<article class="card card--sponsored">' in html
    assert '<span class="badge badge--pr">' in html and '<span class="badge">' in html  # PR, excerpt only
    assert '<a class="byline__person" href="/uz/people/guest-person/">Guest Person</a>' in html
    assert '<a href="/uz/articles/print-piece/" lang="uz">Print piece</a>' in html
    assert f'· <a href="{issue.get_absolute_url()}">1/2026</a>' in html
    assert '<span class="card__language" lang="ru">(Русский)</span>' in html
    toc = main_of(client.get("/ru/issues/2026/1/").content.decode())
    assert '<h3 class="toc__rubric-title"><a href="/ru/sections/tahlil/">Анализ</a></h3>' in toc
    assert '<article class="card card--compact card--sponsored">' in toc
    assert '<h4 class="card__title"><a href="/ru/articles/print-piece/" lang="uz">Print piece</a>' in toc


def test_a_search_result_card_shows_rubric_markers_byline_and_issue_escaped(client):
    issue = make_issue(year=2026, number_first=1)
    section = make_section(name="Rubric <i>", slug="rubric")
    make_article(
        issue=issue,
        section=section,
        slug="print-piece",
        title="Tundra <script>alert(1)</script>",
        subtitle="Tundra subtitle",
        access=Article.Access.PRINT_FIRST,
        is_sponsored=True,
        interviewee=make_author(name="Guest <u>", slug="guest"),
        interviewee_name="Guest <u>",
    )
    make_article(
        section=section,
        slug="ru-piece",
        title="Tundra по-русски",
        language="ru",
        authors=[make_author(name="Ann <b>Bold</b>", slug="ann")],
    )
    html = main_of(client.get("/uz/search/?q=tundra").content.decode())
    assert html.count('<li class="search-result card">') == 2
    assert "<script>" not in html and "<b>" not in html and "<u>" not in html and "<i>" not in html
    assert html.count('<p class="card__rubric">Rubric &lt;i&gt;</p>') == 2
    assert (
        '<a href="/uz/articles/print-piece/" lang="uz">Tundra &lt;script&gt;alert(1)&lt;/script&gt;</a>'
        in html
    )
    assert '<span class="badge badge--pr">' in html and '<span class="badge">' in html  # PR, excerpt only
    assert '<a class="byline__person" href="/uz/people/guest/">Guest &lt;u&gt;</a>' in html
    assert '<a class="byline__person" href="/uz/people/ann/">Ann &lt;b&gt;Bold&lt;/b&gt;</a>' in html
    assert f'· <a href="{issue.get_absolute_url()}">1/2026</a>' in html
    assert '<span class="card__language" lang="ru">(Русский)</span>' in html
    assert "card__subtitle" not in html and "card__lead" not in html  # the snippet stands for them


@pytest.mark.parametrize("count", [3, 40])
def test_cold_list_pages_cost_the_same_for_3_or_40_articles(
    client, settings, django_assert_max_num_queries, count
):
    """With no cache at all (make bench's cold rows), each list page's queries stay fixed."""
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    issue = make_issue(year=2025, number_first=2)
    sections = [make_section() for _ in range(3)]
    people = [make_author() for _ in range(5)]
    for n in range(count):
        article = make_article(
            issue=issue, section=sections[n % 3], tags=["x"], authors=people[n % 5 : n % 5 + 2]
        )
        if n % 4 == 0:
            make_article(issue=issue, section=sections[n % 3], translation_of=article, language="ru")
        if n % 7 == 0:
            make_article(issue=issue, section=sections[0], interviewee=people[0], interviewee_name="P")
    # The shell's queries (the sections, the sidebar's issues, events, PR and contacts) and the
    # page's own: its list with its count, its cards' authors; the issue page and the tag page look
    # up their issue or tag, the person page its person; home shows the sidebar's newest issue. The
    # section page chooses its keys with the count from an index, then loads those rows: one more.
    section = f"/uz/sections/{sections[0].slug}/"
    bounds = {"/uz/": 7, "/uz/issues/2025/2/": 8, section: 8, "/uz/tags/x/": 8, "/uz/pr/": 7}
    bounds[people[0].get_absolute_url()] = 9
    client.get("/uz/contacts/")  # the institutions' networks, read once per process
    for url, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200, url


def test_the_cards_record_the_articles_and_people_they_show():
    from articles.cards import Cards
    from sitecache.topics import Recording

    person = make_author()
    shown = make_article(authors=[person], issue=make_issue())
    guest = make_author()
    interview = make_article(interviewee=guest, interviewee_name="Guest")
    with Recording() as recording:
        Cards().cards(Article.objects.filter(pk__in=[shown.pk, interview.pk]).for_cards())
    topics = {f"article:{shown.pk}", f"article:{interview.pk}", f"person:{person.pk}", f"person:{guest.pk}"}
    assert topics <= recording.topics
