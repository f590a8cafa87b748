"""The article page per reader: the note, the whole text by right, and what may be shared or cached."""

import gzip
import json
import re

import pytest
from django.test import Client

from articles.models import Article
from readers.models import AccessGrant
from subscriptions.letters import AnnouncementLetters
from tests.factories import (
    make_announcement,
    make_grant,
    make_issue,
    make_print_first,
    make_reader,
    make_section,
)
from tests.readers.helpers import sign_in_as

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def article():
    issue = make_issue(year=2026, number_first=1, price="25 000 so'm", where_to_buy="Kiosks of Tashkent")
    return make_print_first(
        issue=issue,
        title="Borders and water",
        section=make_section(slug="interviews"),
        tags=["borders"],
        lead="",
    )


def reader_without_access(client):
    reader = make_reader()
    make_grant(reader=reader, issues=[make_issue()])  # another issue: not this article's
    return sign_in_as(client, reader)


def reader_with_access(client, **grant):
    reader = make_reader()
    make_grant(reader=reader, **grant)
    return sign_in_as(client, reader)


def paywall_note(html):
    match = re.search(r'<aside class="paywall".*?</aside>', html, re.S)
    return match[0] if match else ""


# Who sees what


def test_an_anonymous_reader_gets_the_excerpt_where_to_buy_and_a_sign_in_link_back_here(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    note = paywall_note(html)
    assert "Public opening words." in html and "HIDDENMARKER" not in html
    assert "Kiosks of Tashkent" in note and "25 000 so&#x27;m" in note
    assert f'href="/en/account/sign-in/?next=/en/articles/{article.slug}/"' in note


def test_a_signed_in_reader_without_access_is_told_so_with_the_ways_in(client, article):
    html = reader_without_access(client).get(article.get_absolute_url()).content.decode()
    note = paywall_note(html)
    assert "HIDDENMARKER" not in html
    assert "Your account does not include this article" in note and "Kiosks of Tashkent" in note
    assert "/en/account/sign-in/" not in note and "/en/contacts/" in note


def test_a_reader_with_access_reads_the_whole_text_and_a_quiet_line_says_why(client, article):
    from datetime import timedelta

    from django.utils import timezone

    end = timezone.make_aware(timezone.datetime(2027, 1, 1))
    reader_with_access(client, reason=AccessGrant.Reason.PRINT_SUBSCRIPTION, ends_at=end)
    timezone.activate("Asia/Tashkent")
    try:
        response = client.get(article.get_absolute_url())
    finally:
        timezone.deactivate()
    html = response.content.decode()
    assert "HIDDENMARKER" in html and 'class="paywall"' not in html
    assert re.search(r'class="access-line">Your print subscription, until \d\d\.\d\d\.20\d\d<', html)
    assert "private" in response["Cache-Control"] and "X-Page-Cache" not in response
    assert end - timedelta(days=1) < end  # the line names the last day (31.12), tested in test_access


def test_a_grant_for_this_issue_opens_it_and_a_grant_for_another_does_not(client, article):
    reader_with_access(client, issues=[article.issue])
    assert "HIDDENMARKER" in client.get(article.get_absolute_url()).content.decode()
    other = make_print_first(issue=make_issue())
    assert "HIDDENMARKER" not in client.get(other.get_absolute_url()).content.decode()


def test_the_header_offers_sign_in_or_the_account(client, article):
    assert "/en/account/sign-in/?next=" in client.get("/en/").content.decode()
    reader_with_access(client)
    html = client.get("/en/").content.decode()
    assert 'href="/en/account/"' in html and "/en/account/sign-in/" not in html


def test_a_way_in_registered_by_another_app_is_offered_in_the_note(client, article, settings, tmp_path):
    from readers import ways

    (tmp_path / "way.html").write_text(
        '<p class="way">Enter the code from your issue ({{ sign_in_next }})</p>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    ways.register_way_in("way.html")
    try:
        for browser in (Client(), reader_without_access(Client())):
            note = paywall_note(browser.get(article.get_absolute_url()).content.decode())
            assert f"Enter the code from your issue ({article.get_absolute_url()})" in note
    finally:
        ways._ways[:] = [way for way in ways._ways if way[1] != "way.html"]


# Nothing of a reader's whole text is shared


def test_after_an_entitled_reader_an_anonymous_reader_gets_only_the_excerpt_from_every_cache(client, article):
    """Same process, warm page cache and fragments: the whole text must not come back to anyone else."""
    entitled = reader_with_access(Client())
    for _ in range(2):
        assert "HIDDENMARKER" in entitled.get(article.get_absolute_url()).content.decode()
    for browser in (Client(), Client(), reader_without_access(Client())):
        for _ in range(2):
            response = browser.get(article.get_absolute_url())
            assert "Public opening words." in response.content.decode()
            assert "HIDDENMARKER" not in response.content.decode()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_an_entitled_readers_page_is_never_stored_in_the_page_cache(article, rf):
    from django.core.cache import cache

    from sitecache import page_key

    key = page_key(rf.get(article.get_absolute_url()))
    entitled = reader_with_access(Client())
    assert "HIDDENMARKER" in entitled.get(article.get_absolute_url()).content.decode()
    assert cache.get(key) is None
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert cache.get(key) is not None  # the anonymous page is kept: the key is the right one


# One page for every reader whose grant is told alike (sitecache.shared_page)


@pytest.fixture
def renders(monkeypatch):
    """The number of article pages made (not taken from the cache) since the test began."""
    from articles import views

    made = []
    make = views.article_page

    def counted(*args, **kwargs):
        made.append(1)
        return make(*args, **kwargs)

    monkeypatch.setattr(views, "article_page", counted)
    return made


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_readers_told_alike_share_one_page_and_each_posts_with_their_own_token(article, renders):
    first, second = reader_with_access(Client()), reader_with_access(Client(enforce_csrf_checks=True))
    pages = [browser.get(article.get_absolute_url()) for browser in (first, second)]
    assert len(renders) == 1, "the second reader's page is the first one's"
    for response in pages:
        html = response.content.decode()
        assert "HIDDENMARKER" in html and 'class="access-line">Complimentary access<' in html
        assert "private" in response["Cache-Control"] and "X-Page-Cache" not in response
    assert csrf_token(pages[0].content.decode()) != csrf_token(pages[1].content.decode())
    posted = second.post(
        f"{article.get_absolute_url()}comments/",
        {"csrfmiddlewaretoken": csrf_token(pages[1].content.decode()), "body": ""},
    )
    assert posted.status_code != 403, "the kept page's form posts with this reader's token"


def test_readers_told_alike_get_the_kept_page_gzipped_once_each_with_their_own_token(
    article, renders, compressions
):
    first, second = reader_with_access(Client()), reader_with_access(Client(enforce_csrf_checks=True))
    pages = [
        browser.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})
        for browser in (first, second)
    ]
    assert len(renders) == 1 and len(compressions) == 1, "made and compressed once, for the first reader"
    htmls = [gzip.decompress(response.content).decode() for response in pages]
    for response, html in zip(pages, htmls, strict=True):
        assert response["Content-Encoding"] == "gzip" and "private" in response["Cache-Control"]
        assert "HIDDENMARKER" in html and 'class="access-line">Complimentary access<' in html
    assert csrf_token(htmls[0]) != csrf_token(htmls[1])
    posted = second.post(
        f"{article.get_absolute_url()}comments/", {"csrfmiddlewaretoken": csrf_token(htmls[1]), "body": ""}
    )
    assert posted.status_code != 403, "the kept page's form posts with this reader's token"


def test_a_reader_told_otherwise_gets_a_page_of_their_own(article, renders):
    from datetime import timedelta

    from django.utils import timezone

    assert "Complimentary access<" in reader_with_access(Client()).get(article.get_absolute_url()).text
    subscriber = reader_with_access(
        Client(), reason=AccessGrant.Reason.PRINT_SUBSCRIPTION, ends_at=timezone.now() + timedelta(days=40)
    )
    html = subscriber.get(article.get_absolute_url()).text
    assert "Your print subscription, until" in html and "Complimentary access" not in html
    assert "HIDDENMARKER" in html and len(renders) == 2


@pytest.mark.parametrize("extra", ["a message", "a waiting comment", "a staff sign-in", "another cookie"])
def test_a_reader_whose_visit_holds_more_than_the_sign_in_gets_a_page_made_for_them(
    article, renders, admin_user, extra
):
    from comments.models import Comment
    from tests.factories import make_comment

    warm = reader_with_access(Client())
    warm.get(article.get_absolute_url())
    browser = reader_with_access(Client())
    own = {"a message": "Your language is saved.", "a waiting comment": "My words wait for an editor."}
    if extra == "a message":
        assert browser.post("/en/account/language/", {"language": "en"}).status_code == 302
    elif extra == "a waiting comment":  # as posting it leaves it in the session (comments.views)
        waiting = make_comment(article=article, body=own[extra], status=Comment.Status.PENDING)
        session = browser.session
        session["comments_waiting"] = [waiting.pk]
        session.save()
    elif extra == "a staff sign-in":
        browser.force_login(admin_user)  # an editor reads it with the preview's rights, never kept
    else:
        browser.cookies["comment_author"] = "remembered"
    made = len(renders)
    html = browser.get(article.get_absolute_url()).text
    assert "HIDDENMARKER" in html and len(renders) == made + 1
    if extra in own:
        assert own[extra] in html
    others = warm.get(article.get_absolute_url()).text
    assert not [text for text in own.values() if text in others]
    assert len(renders) == made + 1, "what was made for them was not kept for the others"


def test_an_edit_and_a_revoked_grant_are_seen_at_once_by_the_readers_of_a_shared_page(article, renders):
    from readers.services import grant_revoke

    first = reader_with_access(Client())
    second = reader_with_access(Client())
    for browser in (first, second):
        assert "HIDDENMARKER" in browser.get(article.get_absolute_url()).text
    block = article.blocks.order_by("-position").first()
    block.body = "<p>REWRITTEN-CLOSING-WORDS</p>"
    block.save()
    for browser in (second, first):
        html = browser.get(article.get_absolute_url()).text
        assert "REWRITTEN-CLOSING-WORDS" in html
    grant_revoke(grant=AccessGrant.objects.filter(reader__pk=int(second.session["readers:reader"][0])).get())
    html = second.get(article.get_absolute_url()).text
    assert "REWRITTEN-CLOSING-WORDS" not in html and "HIDDENMARKER" not in html
    assert "REWRITTEN-CLOSING-WORDS" in first.get(article.get_absolute_url()).text


@pytest.mark.parametrize("who", ["anonymous", "signed in without access", "revoked", "ended"])
def test_the_hidden_part_leaves_the_server_in_no_output(
    client, article, who, django_capture_on_commit_callbacks
):
    """Page (twice: cached), meta, JSON-LD, share links, feeds, search, sitemap, the issue's letter."""
    from datetime import timedelta

    from django.utils import timezone

    if who == "signed in without access":
        reader_without_access(client)
    elif who == "revoked":
        reader_with_access(client, revoked_at=timezone.now())
    elif who == "ended":
        reader_with_access(client, ends_at=timezone.now() - timedelta(seconds=1))
    urls = [
        article.get_absolute_url(),
        article.get_absolute_url(),
        *(f"/en/search/?q={q}" for q in ("borders", "opening")),
        *(f"/en/feeds/{kind}/" for kind in ("rss", "atom")),
        *(f"/en/feeds/{scope}/rss/" for scope in ("sections/interviews", "tags/borders")),
        "/sitemap-articles.xml",
        article.issue.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "HIDDENMARKER" not in response.content.decode(), (who, url)
    assert "0 articles found" in client.get("/en/search/?q=HIDDENMARKER").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert ld["isAccessibleForFree"] is False
    for text in AnnouncementLetters(make_announcement(issue=article.issue)).rendered("en"):
        assert "HIDDENMARKER" not in str(text)


def test_print_first_stays_print_first_for_a_reader_whose_account_was_deleted(client, article):
    from readers.services import reader_delete

    reader = make_reader()
    make_grant(reader=reader)
    sign_in_as(client, reader)
    assert "HIDDENMARKER" in client.get(article.get_absolute_url()).content.decode()
    reader_delete(reader=reader)
    assert "HIDDENMARKER" not in client.get(article.get_absolute_url()).content.decode()


def test_the_article_page_costs_a_fixed_number_of_queries_for_an_entitled_reader(
    client, settings, django_assert_max_num_queries
):
    """Warm: nothing. The session and the reader with their grants come from the shared cache, and the
    whole text and the comments are shared fragments (keyed by "whole text", never by reader)."""
    issue = make_issue()
    article = make_print_first(issue=issue, public=["<p>a</p>"] * 3, hidden=["<p>b</p>"] * 40)
    reader_with_access(client, issues=[issue])
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(0):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<p>b</p>") == 40
    assert Article.objects.count() == 1
