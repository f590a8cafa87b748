from html.parser import HTMLParser

import pytest
from django.test import Client

from articles.models import Article
from magazine.models import Event, Issue, Revision
from tests.factories import make_article, make_editor, make_issue, make_user

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """What a browser would submit from the form with id `form_id`, as {name: [values]}."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea = self.select = None
        self.first_option, self.multiple = None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs or kind in ("submit", "file"):
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(attrs["name"], []).append(attrs.get("value", default))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = [""]
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None
            self.data[self.select] = []
            self.multiple = "multiple" in attrs
        elif tag == "option" and self.select:
            self.first_option = attrs.get("value", "") if self.first_option is None else self.first_option
            if "selected" in attrs:
                self.data[self.select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            self.data[self.textarea][0] = self.data[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            if not self.data[self.select] and not self.multiple and self.first_option is not None:
                self.data[self.select] = [self.first_option]
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][0] += data


def open_form(client, obj):
    """GET the admin change page of `obj` and return the data its form would post, unchanged."""
    opts = obj._meta
    response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
    assert response.status_code == 200
    reader = FormReader(f"{opts.model_name}_form")
    reader.feed(response.content.decode())
    return reader.data


def save(client, obj, data, **changes):
    opts = obj._meta
    return client.post(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/", data | changes)


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
        save(
            editor_client, article, open_form(editor_client, article), title="Rivers and borders"
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
    save(editor_client, article, open_form(editor_client, article), title="Second title")
    editor = make_editor(first_name="Dilnoza", last_name="Karimova")
    other = Client()
    other.force_login(editor)
    save(other, article, open_form(other, article), title="Third title")
    html = editor_client.get(revisions_url(article)).content.decode()
    assert "Dilnoza Karimova" in html and "Changed: Title" in html
    assert html.count('class="revision-restore"') == 2


def test_diff_shows_the_changed_words_escaped(editor_client):
    article = make_article(title="Old <b>title</b>", blocks=[("text", "<p>Water <b>matters</b> here.</p>")])
    data = open_form(editor_client, article)
    save(editor_client, article, data)
    data = open_form(editor_client, article)
    save(
        editor_client,
        article,
        data,
        title="New <b>title</b>",
        **{"blocks-0-body": "<p>Water <b>counts</b> here.</p>"},
    )
    first = Revision.objects.for_object(article).last()
    html = editor_client.get(revisions_url(article, f"{first.pk}/")).content.decode()
    assert "<del>Old</del><ins>New</ins> &lt;b&gt;title&lt;/b&gt;" in html
    assert "<del>matters</del><ins>counts</ins>" in html
    assert "<b>" not in html


def test_restoring_brings_back_title_and_blocks_and_keeps_a_new_revision(editor_client):
    article = make_article(title="First title", blocks=[("text", "<p>First text.</p>")])
    save(editor_client, article, open_form(editor_client, article))
    data = open_form(editor_client, article)
    save(editor_client, article, data, title="Second title", **{"blocks-0-body": "<p>Second text.</p>"})
    first = Revision.objects.for_object(article).last()
    response = editor_client.post(revisions_url(article, f"{first.pk}/restore/"))
    assert response.status_code == 302 and response.url.endswith(f"/{article.pk}/change/")
    article.refresh_from_db()
    assert article.title == "First title"
    assert [b.body for b in article.blocks.all()] == ["<p>First text.</p>"]
    latest, replaced = Revision.objects.for_object(article)[:2]
    assert latest.comment.startswith("Restored from") and latest.data["fields"]["title"] == "First title"
    assert replaced.data["related"]["blocks"][0]["body"] == "<p>Second text.</p>"


def test_restore_answers_405_to_a_get(editor_client):
    article = make_article()
    save(editor_client, article, open_form(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    assert editor_client.get(revisions_url(article, f"{revision.pk}/restore/")).status_code == 405


def test_staff_without_change_permission_can_neither_read_nor_restore(client, editor_client):
    article = make_article()
    save(editor_client, article, open_form(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    client.force_login(make_user(is_staff=True))
    assert client.get(revisions_url(article)).status_code == 403
    assert client.get(revisions_url(article, f"{revision.pk}/")).status_code == 403
    assert client.post(revisions_url(article, f"{revision.pk}/restore/")).status_code == 403


def test_a_revision_of_another_object_is_not_found(editor_client):
    article, other = make_article(), make_article()
    save(editor_client, other, open_form(editor_client, other))
    revision = Revision.objects.for_object(other).get()
    assert editor_client.post(revisions_url(article, f"{revision.pk}/restore/")).status_code == 404


def test_second_editor_saving_a_stale_form_is_told_and_loses_nothing(editor_client):
    article = make_article(title="Original", blocks=[("text", "<p>Original text.</p>")])
    second = other_editor_client()
    data_a, data_b = open_form(editor_client, article), open_form(second, article)
    assert data_a["loaded_at"] == data_b["loaded_at"] != [""]
    assert save(editor_client, article, data_a, title="Text of A").status_code == 302
    response = save(second, article, data_b, title="Text of B", **{"blocks-0-body": "<p>Words of B.</p>"})
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
    data_a, data_b = open_form(editor_client, article), open_form(second, article)
    save(editor_client, article, data_a, title="Text of A")
    errors = save(second, article, data_b).context["adminform"].form.non_field_errors()
    assert "Alisher Usmonov saved this article" in errors[0]


def test_saving_again_after_the_conflict_keeps_the_second_text(editor_client):
    article = make_article()
    second = other_editor_client()
    data_a, data_b = open_form(editor_client, article), open_form(second, article)
    save(editor_client, article, data_a, title="Text of A")
    response = save(second, article, data_b, title="Text of B")
    reader = FormReader("article_form")
    reader.feed(response.content.decode())
    assert save(second, article, reader.data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Text of B"
    assert [r.data["fields"]["title"] for r in Revision.objects.for_object(article)] == [
        "Text of B",
        "Text of A",
    ]


def test_the_same_editor_saves_twice_in_a_row(editor_client):
    article = make_article()
    assert save(editor_client, article, open_form(editor_client, article), title="Once").status_code == 302
    assert save(editor_client, article, open_form(editor_client, article), title="Twice").status_code == 302
    article.refresh_from_db()
    assert article.title == "Twice" and Revision.objects.for_object(article).count() == 2


def test_issue_and_event_saves_keep_revisions(editor_client):
    from datetime import timedelta

    from django.utils import timezone

    issue = make_issue(theme="Water")
    event = Event.objects.create(title="Round table", starts_at=timezone.now() + timedelta(days=3))
    assert save(editor_client, issue, open_form(editor_client, issue), theme="Borders").status_code == 302
    assert save(editor_client, event, open_form(editor_client, event), title="Conference").status_code == 302
    assert Revision.objects.for_object(Issue.objects.get()).get().data["fields"]["theme"] == "Borders"
    assert Revision.objects.for_object(event).get().data["fields"]["title"] == "Conference"
    assert editor_client.get(revisions_url(issue)).status_code == 200


def test_an_article_edited_in_its_issue_keeps_a_revision(editor_client):
    issue = make_issue()
    article = make_article(issue=issue, title="Inline title")
    response = save(
        editor_client, issue, open_form(editor_client, issue), **{"articles-0-title": "Edited inline"}
    )
    assert response.status_code == 302
    assert Revision.objects.for_object(article).get().data["fields"]["title"] == "Edited inline"


def test_history_page_costs_the_same_with_3_revisions(editor_client, django_assert_max_num_queries):
    article = make_article()
    for title in ("One", "Two", "Three"):
        save(editor_client, article, open_form(editor_client, article), title=title)
    with django_assert_max_num_queries(9):  # 8, and django-otp loading the session's second factor
        assert editor_client.get(revisions_url(article)).status_code == 200


def test_the_revision_of_the_current_state_shows_no_differences(editor_client):
    article = make_article(blocks=[("text", "<p>Words.</p>")])
    save(editor_client, article, open_form(editor_client, article))
    revision = Revision.objects.for_object(article).get()
    html = editor_client.get(revisions_url(article, f"{revision.pk}/")).content.decode()
    assert "This revision is the same as the current version." in html


def test_a_revision_that_clashes_with_another_row_is_refused_with_a_message(editor_client):
    article = make_article(slug="rivers")
    save(editor_client, article, open_form(editor_client, article))
    save(editor_client, article, open_form(editor_client, article), slug="rivers-and-borders")
    make_article(slug="rivers")
    first = Revision.objects.for_object(article).last()
    response = editor_client.post(revisions_url(article, f"{first.pk}/restore/"), follow=True)
    assert "cannot be restored" in response.content.decode()
    article.refresh_from_db()
    assert article.slug == "rivers-and-borders" and Revision.objects.for_object(article).count() == 2
