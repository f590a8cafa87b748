"""The article's change page and list: block positions and fields, publication states, the preview cut."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article, ArticleBlock
from tests.articles.test_admin import article_form
from tests.factories import image_file, make_article, make_issue, make_print_first

pytestmark = pytest.mark.django_db


def change_data(client, article, **overrides):
    """The article's change form as the browser would post it, with `overrides` applied."""
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    data = {}
    for form in [response.context["adminform"].form]:
        for field in form:
            value = field.value()
            if value is None or field.name in ("cover",):
                continue
            if isinstance(value, list):
                data[field.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = str(getattr(value, "pk", value))
    for field in ("publish_at",):
        moment = getattr(article, field)
        if moment:
            local = timezone.localtime(moment)
            data[f"{field}_0"], data[f"{field}_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    formset = response.context["inline_admin_formsets"][0].formset
    data |= {field.html_name: field.value() for field in formset.management_form}
    for form in formset:
        for name in ("id", "article", "kind", "position", "body", "image_alt", "caption"):
            value = form[name].value()
            data[form[name].html_name] = "" if value is None else str(value)
    data.pop("tags", None)
    data["tags"] = ", ".join(article.tags.names())
    return data | overrides


def test_a_new_block_without_a_position_goes_after_the_others(editor_client):
    article = make_article(status=Article.Status.DRAFT)
    ArticleBlock.objects.create(article=article, position=5, kind="text", body="<p>First.</p>")
    data = change_data(editor_client, article)
    data |= {
        "blocks-TOTAL_FORMS": "3",
        "blocks-1-kind": "question",
        "blocks-1-position": "",
        "blocks-1-body": "<p>Added.</p>",
        "blocks-2-kind": "answer",
        "blocks-2-position": "",
        "blocks-2-body": "<p>Added too.</p>",
    }
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert [(b.position, b.kind) for b in article.blocks.all()] == [
        (5, "text"),
        (6, "question"),
        (7, "answer"),
    ]


def test_the_order_on_the_page_is_saved_as_the_positions(editor_client):
    article = make_article(blocks=[("question", "<p>Q?</p>"), ("answer", "<p>A.</p>")])
    data = change_data(editor_client, article, **{"blocks-0-position": "2", "blocks-1-position": "1"})
    assert editor_client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302
    assert [b.kind for b in article.blocks.all()] == ["answer", "question"]


def test_a_block_keeps_only_the_fields_of_its_kind():
    article = make_article()
    block = ArticleBlock(article=article, kind="image", image_alt="x", caption="stale")
    block.image.save("old.jpg", image_file(), save=False)
    block.kind, block.body = "question", "<p>Q?</p>"
    block.full_clean()
    assert (block.caption, block.image_alt, block.image.name) == ("", "", "")
    quote = ArticleBlock(article=article, kind="quote", body="<p>Said.</p>", caption="Someone")
    quote.full_clean()
    assert quote.caption == "Someone"


def test_the_change_page_shows_the_block_editor_with_the_interviewee_on_answers(editor_client):
    article = make_article(interviewee_name="Aziza Nurmatova", blocks=[("answer", "<p>A.</p>")])
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'class="block__handle" draggable="true"' in html
    assert 'data-kind="answer"' in html and "Aziza Nurmatova" in html
    assert "articles/admin/blocks.js" in html and "Add a block" in html


def test_the_list_says_live_scheduled_with_its_time_and_draft(editor_client):
    make_article(title="Live piece")
    later = timezone.now() + timedelta(days=3)
    make_article(title="Later piece", publish_at=later)
    make_article(title="Unfinished piece", status=Article.Status.DRAFT, publish_at=None)
    make_article(title="Waiting piece", issue=make_issue(is_published=False))
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "publication--live" in html and "Live since" in html
    assert f"Scheduled for {date_format(timezone.localtime(later), 'SHORT_DATETIME_FORMAT')}" in html
    assert "publication--scheduled" in html and "publication--draft" in html
    assert "publication--waiting" in html


@pytest.mark.parametrize("days", [-1, 1])
def test_publication_state_agrees_with_the_querysets(days):
    now = timezone.now()
    for status in Article.Status.values:
        for issue_published in (True, False, None):
            issue = make_issue(is_published=issue_published) if issue_published is not None else None
            article = make_article(status=status, publish_at=now + timedelta(days=days), issue=issue)
            state = article.publication_state(now)
            assert (state == "live") == Article.objects.published(now).filter(pk=article.pk).exists()
            assert (state == "scheduled") == Article.objects.scheduled(now).filter(pk=article.pk).exists()


def test_the_article_list_costs_the_same_with_many_rows(editor_client, django_assert_max_num_queries):
    for n in range(30):
        make_article(issue=make_issue() if n % 2 else None)
    with django_assert_max_num_queries(16):
        assert editor_client.get("/admin/articles/article/").status_code == 200


def test_the_list_shows_cover_thumbnails_cropped_around_the_focal_point(editor_client):
    article = make_article()
    article.cover.save("c.jpg", image_file(), save=False)
    article.cover_focus_x, article.cover_focus_y = 20, 70
    article.save()
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert "-c160x160-f20x70.webp" in html


def test_a_form_that_fails_keeps_nothing_silent_about_the_cover(editor_client):
    data = article_form(title="") | {
        "cover": image_file("cover.jpg"),
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
    }
    response = editor_client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title" in errors and "choose it again" in " ".join(errors["cover"])


def test_the_editors_preview_marks_where_the_excerpt_ends(editor_client):
    article = make_print_first(
        public=("<p>Public one.</p>", "<p>Public two.</p>"), status=Article.Status.DRAFT, publish_at=None
    )
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Readers see up to here" in html and "HIDDENMARKER" in html
    assert html.index("Public two.") < html.index("Readers see up to here") < html.index("HIDDENMARKER")
    assert "Read the whole interview in the printed issue" in html  # the paywall note, as readers get it


def test_the_cut_is_after_the_last_block_when_the_excerpt_is_longer_than_the_text(editor_client):
    article = make_print_first(public=("<p>Only.</p>",), hidden=())
    Article.objects.filter(pk=article.pk).update(public_block_count=5)
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert html.index("Only.") < html.index("Readers see up to here")
    assert "Only in print from here" not in html


def test_readers_never_see_the_cut_and_free_articles_have_none(editor_client):
    article = make_print_first()
    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Readers see up to here" not in html and "HIDDENMARKER" not in html
    free = make_article(blocks=[("text", "<p>Free text.</p>")])
    assert "Readers see up to here" not in editor_client.get(free.get_absolute_url()).content.decode()


def test_a_scheduled_articles_preview_says_when_readers_will_see_it(editor_client):
    article = make_article(publish_at=timezone.now() + timedelta(days=2))
    html = editor_client.get(article.get_absolute_url()).content.decode()
    assert "Preview: readers see this article from" in html


def test_the_change_page_of_a_draft_offers_a_preview_and_no_view_on_site(editor_client):
    article = make_article(status=Article.Status.DRAFT, publish_at=None)
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'class="previewlink"' in html and "viewsitelink" not in html
    assert f"/admin/articles/article/{article.pk}/import/" in html
