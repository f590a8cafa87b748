import pytest
from django.test import Client
from taggit.models import Tag

from articles.models import Article
from issues.models import Issue
from revisions.models import Revision
from tests.factories import make_article, make_editor, make_event, make_issue, make_user
from tests.html_forms import admin_form_data, admin_form_post, read_form

pytestmark = pytest.mark.django_db


def other_editor_client(**fields):
    client = Client()
    client.force_login(make_editor(**fields))
    return client


def revisions_url(obj, tail=""):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/revisions/{tail}"


def test_saving_an_article_keeps_a_revision_with_its_blocks(editor_client, editor):
    article = make_article(
        title="Rivers", blocks=[("question", "<p>Why?</p>"), ("answer", "<p>Because.</p>")]
    )
    assert (
        admin_form_post(
            editor_client, article, admin_form_data(editor_client, article), title="Rivers and borders"
        ).status_code
        == 302
    )
    revision = Revision.objects.for_object(article).get()
    assert revision.user == editor and revision.data["fields"]["title"] == "Rivers and borders"
    assert [(b["kind"], b["body"]) for b in revision.data["related"]["blocks"]] == [
        ("question", "<p>Why?</p>"),
        ("answer", "<p>Because.</p>"),
    ]


def test_adding_an_article_keeps_its_first_revision(editor_client):
    from tests.articles.test_admin import article_form, block_formset

    response = editor_client.post(
        "/admin/articles/article/add/", article_form() | block_formset([("text", "<p>First words.</p>")])
    )
    assert response.status_code == 302
    revision = Revision.objects.for_object(Article.objects.get()).get()
    assert revision.data["related"]["blocks"][0]["body"] == "<p>First words.</p>"


def test_history_lists_who_saved_and_when(editor_client):
    article = make_article()
    admin_form_post(editor_client, article, admin_form_data(editor_client, article), title="Second title")
    editor = make_editor(first_name="Dilnoza", last_name="Karimova")
    other = Client()
    other.force_login(editor)
    admin_form_post(other, article, admin_form_data(other, article), title="Third title")
    html = editor_client.get(revisions_url(article)).content.decode()
    assert "Dilnoza Karimova" in html and "Changed: Title" in html
    # The newest revision is the current version: only the older one can be restored.
    assert html.count('class="revision-current"') == 1 and html.count('class="revision-restore"') == 1


def test_diff_shows_the_changed_words_escaped(editor_client):
    article = make_article(title="Old <b>title</b>", blocks=[("text", "<p>Water <b>matters</b> here.</p>")])
    data = admin_form_data(editor_client, article)
    admin_form_post(editor_client, article, data)
    data = admin_form_data(editor_client, article)
    admin_form_post(
        editor_client,
        article,
        data,
        title="New <b>title</b>",
        **{"blocks-0-body": "<p>Water <b>counts</b> here.</p>"},
    )
    first = Revision.objects.for_object(article).last()
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    # A title is plain text: its "<b>" is text, shown as such.
    assert "<del>Old</del><ins>New</ins> &lt;b&gt;title&lt;/b&gt;" in html
    # A block is rich text: shown as it reads, the bold word bold, never its tags as text.
    assert "<p>Water <del><b>matters</b></del><b><ins>counts</ins></b> here.</p>" in html
    assert "&lt;p&gt;" not in html and "&lt;b&gt;matters" not in html


def test_restoring_brings_back_title_and_blocks_and_keeps_a_new_revision(editor_client):
    article = make_article(title="First title", blocks=[("text", "<p>First text.</p>")])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    data = admin_form_data(editor_client, article)
    admin_form_post(
        editor_client, article, data, title="Second title", **{"blocks-0-body": "<p>Second text.</p>"}
    )
    first = Revision.objects.for_object(article).last()
    response = editor_client.post(revisions_url(article, f"{first.pk}/restore/"))
    assert response.status_code == 302 and response.url.endswith(f"/{article.pk}/change/")
    article.refresh_from_db()
    assert article.title == "First title"
    assert [b.body for b in article.blocks.all()] == ["<p>First text.</p>"]
    latest, replaced = Revision.objects.for_object(article)[:2]
    assert latest.comment.startswith("Restored from") and latest.data["fields"]["title"] == "First title"
    assert replaced.data["related"]["blocks"][0]["body"] == "<p>Second text.</p>"


def test_restore_asks_for_confirmation_and_says_what_will_change(editor_client):
    article = make_article(title="First title", blocks=[("text", "<p>First text.</p>")])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    admin_form_post(editor_client, article, admin_form_data(editor_client, article), title="Second title")
    first = Revision.objects.for_object(article).last()
    response = editor_client.get(revisions_url(article, f"{first.pk}/restore/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>Title</li>" in html and "<del>Second</del><ins>First</ins> title" in html
    assert 'type="submit"' in html and "Yes, restore this revision" in html
    article.refresh_from_db()
    assert article.title == "Second title" and Revision.objects.for_object(article).count() == 2


def test_restore_answers_405_to_other_methods(editor_client):
    article = make_article()
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    assert editor_client.put(revisions_url(article, f"{revision.pk}/restore/")).status_code == 405


def test_staff_without_change_permission_can_neither_read_nor_restore(client, editor_client):
    article = make_article()
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    client.force_login(make_user(is_staff=True))
    assert client.get(revisions_url(article)).status_code == 403
    assert client.get(revisions_url(article, f"{revision.pk}/")).status_code == 403
    assert client.get(revisions_url(article, f"{revision.pk}/restore/")).status_code == 403
    assert client.post(revisions_url(article, f"{revision.pk}/restore/")).status_code == 403


def test_a_revision_of_another_object_is_not_found(editor_client):
    article, other = make_article(), make_article()
    admin_form_post(editor_client, other, admin_form_data(editor_client, other))
    revision = Revision.objects.for_object(other).get()
    assert editor_client.post(revisions_url(article, f"{revision.pk}/restore/")).status_code == 404


def test_second_editor_saving_a_stale_form_is_told_and_loses_nothing(editor_client):
    article = make_article(title="Original", blocks=[("text", "<p>Original text.</p>")])
    second = other_editor_client()
    data_a, data_b = admin_form_data(editor_client, article), admin_form_data(second, article)
    assert data_a["loaded_at"] == data_b["loaded_at"] != [""]
    assert admin_form_post(editor_client, article, data_a, title="Text of A").status_code == 302
    response = admin_form_post(
        second, article, data_b, title="Text of B", **{"blocks-0-body": "<p>Words of B.</p>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "after you opened it" in html and "Text of B" in html and "Words of B." in html
    article.refresh_from_db()
    assert article.title == "Text of A"


def test_the_conflict_names_who_saved_first(editor_client, editor):
    editor.first_name, editor.last_name = "Alisher", "Usmonov"
    editor.save()
    article = make_article()
    second = other_editor_client()
    data_a, data_b = admin_form_data(editor_client, article), admin_form_data(second, article)
    admin_form_post(editor_client, article, data_a, title="Text of A")
    errors = admin_form_post(second, article, data_b).context["adminform"].form.non_field_errors()
    assert "Alisher Usmonov saved this article" in errors[0]


def test_saving_again_after_the_conflict_keeps_the_second_text(editor_client):
    article = make_article()
    second = other_editor_client()
    data_a, data_b = admin_form_data(editor_client, article), admin_form_data(second, article)
    admin_form_post(editor_client, article, data_a, title="Text of A")
    response = admin_form_post(second, article, data_b, title="Text of B")
    data = read_form(response.content.decode(), "article_form").entries()
    assert admin_form_post(second, article, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Text of B"
    assert [r.data["fields"]["title"] for r in Revision.objects.for_object(article)] == [
        "Text of B",
        "Text of A",
    ]


def test_the_same_editor_saves_twice_in_a_row(editor_client):
    article = make_article()
    assert (
        admin_form_post(
            editor_client, article, admin_form_data(editor_client, article), title="Once"
        ).status_code
        == 302
    )
    assert (
        admin_form_post(
            editor_client, article, admin_form_data(editor_client, article), title="Twice"
        ).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.title == "Twice" and Revision.objects.for_object(article).count() == 2


def test_issue_and_event_saves_keep_revisions(editor_client):
    from datetime import timedelta

    from django.utils import timezone

    issue = make_issue(theme="Water")
    event = make_event(title="Round table", starts_at=timezone.now() + timedelta(days=3))
    assert (
        admin_form_post(
            editor_client, issue, admin_form_data(editor_client, issue), theme="Borders"
        ).status_code
        == 302
    )
    assert (
        admin_form_post(
            editor_client, event, admin_form_data(editor_client, event), title="Conference"
        ).status_code
        == 302
    )
    assert Revision.objects.for_object(Issue.objects.get()).get().data["fields"]["theme"] == "Borders"
    assert Revision.objects.for_object(event).get().data["fields"]["title"] == "Conference"
    assert editor_client.get(revisions_url(issue)).status_code == 200


def test_an_article_edited_in_its_issue_keeps_a_revision(editor_client):
    issue = make_issue()
    article = make_article(issue=issue, title="Inline title")
    response = admin_form_post(
        editor_client, issue, admin_form_data(editor_client, issue), **{"articles-0-title": "Edited inline"}
    )
    assert response.status_code == 302
    assert Revision.objects.for_object(article).get().data["fields"]["title"] == "Edited inline"


def test_history_page_costs_the_same_with_3_revisions(editor_client, django_assert_max_num_queries):
    """8, django-otp loading the session's second factor, and 4 to mark the current version: the newest
    revision's data and the article's current blocks, authors and tags."""
    article = make_article()
    for title in ("One", "Two", "Three"):
        admin_form_post(editor_client, article, admin_form_data(editor_client, article), title=title)
    with django_assert_max_num_queries(13):
        assert editor_client.get(revisions_url(article)).status_code == 200


def test_the_revision_of_the_current_state_shows_no_differences(editor_client):
    article = make_article(blocks=[("text", "<p>Words.</p>")])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    html = editor_client.get(revisions_url(article, f"{revision.pk}/")).content.decode()
    assert "This revision is the same as the current version." in html


def test_a_revision_that_clashes_with_another_row_is_refused_with_a_message(editor_client):
    article = make_article(slug="rivers")
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    admin_form_post(
        editor_client, article, admin_form_data(editor_client, article), slug="rivers-and-borders"
    )
    make_article(slug="rivers")
    first = Revision.objects.for_object(article).last()
    response = editor_client.post(revisions_url(article, f"{first.pk}/restore/"), follow=True)
    assert "cannot be restored" in response.content.decode()
    article.refresh_from_db()
    assert article.slug == "rivers-and-borders" and Revision.objects.for_object(article).count() == 2


def test_a_revision_keeps_the_tags_by_name(editor_client):
    article = make_article(tags=["water", "border security"])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    assert Revision.objects.for_object(article).get().data["fields"]["tags"] == ["border security", "water"]


def test_the_diff_shows_changed_tags(editor_client):
    article = make_article(tags=["water"])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    admin_form_post(editor_client, article, admin_form_data(editor_client, article), tags="water, energy")
    first = Revision.objects.for_object(article).last()
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    assert "<ins>energy, </ins>water" in html


def test_restoring_a_revision_brings_its_tags_back(editor_client):
    article = make_article(tags=["water", "border security"])
    admin_form_post(editor_client, article, admin_form_data(editor_client, article))
    admin_form_post(editor_client, article, admin_form_data(editor_client, article), tags="energy")
    first = Revision.objects.for_object(article).last()
    Tag.objects.filter(name="border security").delete()  # a tag deleted since is made again
    assert editor_client.post(revisions_url(article, f"{first.pk}/restore/")).status_code == 302
    assert sorted(article.tags.names()) == ["border security", "water"]
    assert Revision.objects.for_object(article).first().data["fields"]["tags"] == ["border security", "water"]
