import pytest

from issues.models import Contacts
from sitecache.topics import check_boundary
from tests.factories import make_article, make_issue, make_section

pytestmark = pytest.mark.django_db


def test_root_sends_a_new_visitor_to_the_uzbek_site(client, settings):
    settings.LANGUAGE_CODE = "uz"  # the site's real default (tests run in English)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/uz/"


def test_home_shows_the_latest_published_issue_and_its_contents_by_rubric(client):
    make_issue(year=2024, number_first=4)
    latest = make_issue(year=2025, number_first=1, number_last=2, theme="Water and borders")
    make_issue(year=2026, number_first=1, is_published=False)
    section = make_section(name="Tahlil")
    make_article(issue=latest, section=section, title="Rivers that divide")
    html = client.get("/uz/").content.decode()
    assert "1-2/2025" in html and "Water and borders" in html
    assert "Tahlil" in html and "Rivers that divide" in html
    assert "1/2026" not in html


def test_home_without_issues_still_answers(client):
    assert client.get("/uz/").status_code == 200


def test_archive_groups_published_issues_by_year(client):
    make_issue(year=2023, number_first=1)
    make_issue(year=2024, number_first=3, number_last=4)
    make_issue(year=2024, number_first=9, is_published=False)
    html = client.get("/uz/issues/").content.decode()
    assert 'id="year-2023"' in html and 'id="year-2024"' in html
    assert "3-4/2024" in html and "9/2024" not in html


def test_issue_page_lists_its_articles(client):
    issue = make_issue(year=2025, number_first=3)
    make_article(issue=issue, title="Corridors of trade")
    response = client.get("/uz/issues/2025/3/")
    assert response.status_code == 200 and "Corridors of trade" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/uz/issues/2025/7/",
        "/uz/issues/2025/abc/",
        "/uz/issues/20x5/1/",
        "/uz/issues/2025/1-2-3/",
        "/uz/issues/2025/1-/",
    ],
)
def test_unknown_or_malformed_issue_is_404(client, url):
    make_issue(year=2025, number_first=1, number_last=2)
    assert client.get(url).status_code == 404


def test_double_issue_needs_both_numbers(client):
    make_issue(year=2025, number_first=1, number_last=2)
    assert client.get("/uz/issues/2025/1/").status_code == 404
    assert client.get("/uz/issues/2025/1-2/").status_code == 200


def test_unpublished_issue_is_404(client):
    make_issue(year=2025, number_first=5, is_published=False)
    assert client.get("/uz/issues/2025/5/").status_code == 404


def test_section_page_lists_published_articles(client):
    section = make_section(slug="xavfsizlik", name="Xavfsizlik")
    make_article(section=section, title="Border talks")
    html = client.get("/uz/sections/xavfsizlik/").content.decode()
    assert "Border talks" in html
    assert client.get("/uz/sections/nope/").status_code == 404


def test_contacts_page_shows_the_address(client):
    Contacts.objects.create(address="12, Example Street, Tashkent", email="office@example.org")
    html = client.get("/uz/contacts/").content.decode()
    assert "12, Example Street" in html and "office@example.org" in html


@pytest.mark.parametrize("page", ["999", "-1", "abc", "1" * 50])
def test_bad_page_numbers_still_answer_200(client, page):
    make_issue()
    assert client.get(f"/uz/issues/?page={page}").status_code == 200


def test_unknown_language_prefix_is_404(client):
    assert client.get("/de/issues/").status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_list_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    issue = make_issue(year=2025, number_first=2)
    sections = [make_section() for _ in range(3)]
    for n in range(count):
        make_article(issue=issue, section=sections[n % 3], tags=["x"])
        make_issue()
    # The scheduled moments are looked up again by the first request after a change (how many queries
    # depends on which moments passed meanwhile): that is the change's cost, not the page's.
    check_boundary()
    for url in ["/uz/", "/uz/issues/", "/uz/issues/2025/2/", f"/uz/sections/{sections[0].slug}/"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


def test_favicon_ico_is_the_magazines_icon_and_may_be_cached(client):
    from io import BytesIO

    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"] and "max-age=604800" in response["Cache-Control"]
    icon = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_pages_link_the_icon(client):
    html = client.get("/en/").content.decode()
    assert '<link rel="icon" href="/static/magazine/favicon.ico" sizes="32x32">' in html
    from django.contrib.staticfiles import finders

    assert finders.find("magazine/favicon.ico")  # collected with the static files, under a versioned name


def test_a_section_page_lists_the_versions_for_its_language_newest_first_page_by_page(client):
    """Every page of a section: that language's versions first, each part newest first (ties by
    id), a translation instead of its original, and the nearest real page past the end."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    section, other = make_section(), make_section()
    moment = timezone.now() - timedelta(days=30)
    for n in range(47):
        language = ["uz", "ru", "en"][n % 3]
        published = moment + timedelta(hours=n // 2)
        article = make_article(section=section, language=language, publish_at=published)
        if n % 5 == 0 and language != "uz":
            make_article(section=section, language="uz", translation_of=article, publish_at=moment)
    make_article(section=other, language="uz")
    make_article(section=section, language="uz", status=Article.Status.DRAFT)
    expected = list(
        Article.objects.filter(section=section)
        .published()
        .for_language("uz")
        .order_by("other_language", "-publish_at", "-id")
        .values_list("title", flat=True)
    )
    assert len(expected) == 47
    shown = []
    for number in (1, 2, 3):
        page = client.get(f"/uz/sections/{section.slug}/?page={number}").context["page"]
        assert page.number == number and page.paginator.count == 47 and page.paginator.num_pages == 3
        shown += [row["title"] for row in page.object_list]
    assert shown == expected
    last = client.get(f"/uz/sections/{section.slug}/?page=9").context["page"]
    assert last.number == 3 and [row["title"] for row in last.object_list] == expected[40:]
    empty = client.get(f"/uz/sections/{other.slug}/?page=2").context["page"]
    assert empty.number == 1 and empty.paginator.count == 1
    # The first page's keys come from a query compiled once (SECTION_FIRST_KEYS): each language its own.
    for language in ("ru", "en"):
        listed = Article.objects.filter(section=section).published().for_language(language)
        expected = list(
            listed.order_by("other_language", "-publish_at", "-id").values_list("title", flat=True)
        )
        page = client.get(f"/{language}/sections/{section.slug}/").context["page"]
        assert [row["title"] for row in page.object_list] == expected[:20]
        assert page.paginator.count == len(expected)


def test_the_shells_queries_compiled_once_ask_for_the_moment_of_each_call():
    """issues.prepared: the same rows as the ORM's query for every moment, the SQL compiled once."""
    from datetime import timedelta

    from django.utils import timezone

    from issues.models import Event
    from issues.sidebar import UPCOMING_EVENTS
    from tests.factories import make_event

    for days in (-2, 1, 4, 9, 15):
        make_event(in_days=days)
    make_event(in_days=-1, ends_at=timezone.now() + timedelta(days=1))
    make_event(in_days=2, is_published=False)
    compiled = None
    for offset in (-3, 0, 3, 10, 20):
        now = timezone.now() + timedelta(days=offset)
        expected = list(Event.objects.upcoming(now)[:3])
        assert UPCOMING_EVENTS(now) == expected and [e.title for e in UPCOMING_EVENTS(now)] == [
            e.title for e in expected
        ]
        compiled = compiled or UPCOMING_EVENTS.compiled.copy()
        assert UPCOMING_EVENTS.compiled == compiled
    assert [e.title for e in UPCOMING_EVENTS()] == [e.title for e in Event.objects.upcoming()[:3]]


@pytest.mark.django_db
def test_a_prepared_query_that_asks_the_clock_itself_is_refused():
    """A build that ignores its `now` (and asks the clock) would be frozen at its first call."""
    from django.utils import timezone

    from articles.models import Article
    from issues.models import Event
    from issues.prepared import Prepared, run_together

    frozen = Prepared(lambda now: Event.objects.upcoming(timezone.now())[:3])
    with pytest.raises(ValueError, match="depend on the `now`"):
        frozen()
    joined = Prepared(lambda now: Article.objects.published(now).select_related("section")[:3])
    with pytest.raises(ValueError, match="without annotations"):
        run_together({"joined": joined})  # one model's columns only: a joined row has no place there
    assert Prepared(lambda now: Event.objects.upcoming(now)[:3])() == []
