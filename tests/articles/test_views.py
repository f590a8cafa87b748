import importlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, ArticleBlock, Author
from tests.factories import make_article, make_author, make_issue, make_print_first, make_section
from tests.factories.files import image_file

pytestmark = pytest.mark.django_db


def test_reader_reads_an_interview_as_questions_and_answers(client):
    article = make_article(
        interviewee_name="Rustam Aliyev",
        interviewee_position="Director of a research centre",
        blocks=[
            ("question", "<p>What worries you?</p>"),
            ("answer", "<ul><li>Water</li><li>Borders</li></ul>"),
        ],
        section=make_section(name="Suhbat"),
        authors=[make_author(name="Malika Tosheva")],
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "qa--question" in html and "qa--answer" in html
    assert html.index("What worries you?") < html.index("<li>Water</li>")
    assert "Rustam Aliyev" in html and "Director of a research centre" in html
    assert "Malika Tosheva" in html and "Suhbat" in html


def test_every_kind_of_block_is_shown_in_its_order_with_its_picture_and_caption(client):
    article = make_article(
        interviewee_name="Dilnoza Karimova",
        blocks=[("text", "<p>Opening &amp; context.</p>"), ("question", "<p>Why now?</p>")],
    )
    ArticleBlock.objects.create(article=article, position=3, kind="answer", body="<p>Because.</p>")
    picture = ArticleBlock(article=article, position=4, kind="image", image_alt="A dam <at dawn>")
    picture.caption = "Photo: the editors & friends"
    picture.image.save("dam.jpg", image_file("dam.jpg", size=(1000, 600)), save=False)
    picture.save()
    ArticleBlock.objects.create(
        article=article, position=5, kind="quote", body="<p>Water first.</p>", caption="A farmer"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    html = page[page.index('<div class="rich"><p>Opening') :]  # the text (the lead is in the head too)
    order = ["Opening &amp; context.", "Why now?", "Dilnoza Karimova", "Because."]
    order += ['alt="A dam &lt;at dawn&gt;"', "Photo: the editors &amp; friends", "Water first.", "A farmer"]
    assert [html.index(text) for text in order] == sorted(html.index(text) for text in order)
    figure = re.search(r'<figure class="figure">(.*?)</figure>', html, re.S).group(1)
    assert 'width="1000" height="600"' in figure and picture.image.name.rsplit(".", 1)[0] in figure
    assert "srcset=" in figure and 'class="pullquote"' in html


def test_print_first_page_has_the_excerpt_and_the_call_to_action_but_no_hidden_word(client):
    issue = make_issue(
        year=2025, number_first=1, number_last=2, price="25 000 so'm", where_to_buy="Kitob olami"
    )
    article = make_print_first(issue=issue)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Public opening words." in html
    assert "HIDDENMARKER" not in html
    assert "1-2/2025" in html and "Kitob olami" in html and "25 000 so" in html
    assert 'class="paywall"' in html


def test_editor_reads_the_whole_print_first_article(editor_client):
    """With the note readers get in its place shown at the cut (tests/articles/test_desk_admin.py)."""
    article = make_print_first()
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "HIDDENMARKER" in html and html.index('class="preview-cut"') < html.index("HIDDENMARKER")
    assert html.count('class="paywall"') == 1 and html.index('class="paywall"') < html.index("HIDDENMARKER")


def test_draft_is_404_for_readers_and_a_preview_for_editors(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    assert Client().get(article.get_absolute_url()).status_code == 404
    response = editor_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.content.decode() or "preview-banner" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_future_article_is_404_until_its_time(client):
    article = make_article(publish_at=timezone.now() + timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_article_in_unpublished_issue_is_404(client):
    article = make_article(issue=make_issue(is_published=False))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_slug_is_a_friendly_404(client):
    response = client.get("/uz/articles/no-such-article/")
    assert response.status_code == 404
    assert "home page" in response.content.decode() or "bosh sahifa" in response.content.decode().lower()


def test_tag_page_lists_published_articles_with_the_tag(client):
    shown = make_article(title="Water diplomacy", tags=["water"])
    make_article(title="Hidden draft", tags=["water"], status=Article.Status.DRAFT)
    html = client.get("/uz/tags/water/").content.decode()
    assert shown.title in html and "Hidden draft" not in html


@pytest.mark.parametrize("count", [3, 60])
def test_tag_page_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_article(tags=["energy"], issue=make_issue(), section=make_section(), authors=[make_author()])
    # 9 with the institutions' networks, read once into the cache (institutions.lookup), and the
    # shell's rows in one query (issues.shell).
    with django_assert_max_num_queries(9):
        assert client.get("/uz/tags/energy/").status_code == 200


@pytest.mark.parametrize("block_count", [3, 60])
def test_article_page_costs_a_fixed_number_of_queries(
    client, settings, django_assert_max_num_queries, block_count
):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(
        issue=make_issue(),
        section=make_section(),
        tags=["a", "b"],
        authors=[make_author(), make_author()],
        blocks=[("text", f"<p>{n}</p>") for n in range(block_count)],
    )
    # Cold: the article with its authors and tags, its blocks, related reading (2), comments
    # (without any: the first page and the counts; with some: the first page with the counts, the
    # replies), the article's content type (once per process; a test clears it), the shell (menu,
    # sidebar, contacts, discussion settings: one query), the moments pages change by themselves
    # (articles scheduled and opening, events starting and ending), the institutions' networks.
    with django_assert_max_num_queries(11):
        assert client.get(article.get_absolute_url()).status_code == 200
    # Warm: the article and the shared fragments are kept per content version.
    with django_assert_max_num_queries(0):
        assert f"<p>{block_count - 1}</p>" in client.get(article.get_absolute_url()).content.decode()


def test_a_cyrillic_tag_has_a_working_page(client):
    article = make_article(title="Энергетика", tags=["энергетика"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert client.get("/ru/tags/энергетика/").status_code == 200
    assert "энергетика" in html


def byline_texts(html):
    """The visible text of every byline (article page, cards), white space collapsed as a browser shows it."""
    found = re.findall(r'class="(?:article__authors|card__meta)">(.*?)</(?:span|p)>', html, re.S)
    return [" ".join(strip_tags(text).split()) for text in found]


def test_bylines_put_no_space_before_the_comma(client):
    """Names pasted or imported with spaces around them printed as "Karimov , Chegara"."""
    authors = [make_author(name="Chegara \n"), make_author(name="Karimov")]
    issue = make_issue()
    article = make_article(title="Borders", issue=issue, authors=authors)
    pages = [article.get_absolute_url(), issue.get_absolute_url(), "/en/", "/en/search/?q=Borders"]
    for url in pages:
        bylines = byline_texts(client.get(url).content.decode())
        assert any("Chegara, Karimov" in text for text in bylines), (url, bylines)
        assert not any(" ," in text for text in bylines), (url, bylines)


def test_the_author_names_already_stored_with_spaces_are_trimmed():
    from django.apps import apps

    trimmed = importlib.import_module("articles.migrations.0006_author_names_trimmed")
    author = make_author(name="Karimov")
    Author.objects.filter(pk=author.pk).update(name="  Karimov \n")
    trimmed.trim_author_names(apps, None)
    author.refresh_from_db()
    assert author.name == "Karimov"
