"""Autosave: the change form posted while typing becomes a revision; the article itself never changes."""

import pytest
from django.test import Client

from articles.models import Article
from revisions.models import Revision
from tests.articles.test_desk_admin import change_data
from tests.factories import make_article, make_editor, make_moderator

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return f"/admin/articles/article/{article.pk}/autosave/"


def draft_article():
    return make_article(
        title="Saved title",
        status=Article.Status.DRAFT,
        publish_at=None,
        blocks=[("question", "<p>Saved question?</p>"), ("answer", "<p>Saved answer.</p>")],
    )


def test_typing_is_kept_as_a_revision_and_the_article_stays_as_saved(editor_client):
    article = draft_article()
    before = Article.objects.get(pk=article.pk).updated_at
    data = change_data(
        editor_client, article, title="Typed title", **{"blocks-1-body": "<p>Typed answer.</p>"}
    )
    response = editor_client.post(autosave_url(article), data)
    assert response.status_code == 200 and "Draft autosaved" in response.json()["message"]
    article.refresh_from_db()
    assert article.title == "Saved title" and article.updated_at == before
    assert [b.body for b in article.blocks.all()] == ["<p>Saved question?</p>", "<p>Saved answer.</p>"]
    revision = Revision.objects.for_object(article).get()
    assert revision.is_autosave and revision.data["fields"]["title"] == "Typed title"
    assert [b["body"] for b in revision.data["related"]["blocks"]] == [
        "<p>Saved question?</p>",
        "<p>Typed answer.</p>",
    ]


def test_an_autosave_never_publishes(editor_client):
    article = draft_article()
    data = change_data(
        editor_client, article, status="published", publish_at_0="2020-01-01", publish_at_1="10:00"
    )
    editor_client.post(autosave_url(article), data)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT and article.publish_at is None
    revision = Revision.objects.for_object(article).get()
    assert revision.data["fields"]["status"] == "draft" and revision.data["fields"]["publish_at"] is None


def test_a_newer_autosave_replaces_the_editors_previous_one(editor_client):
    article = draft_article()
    editor_client.post(autosave_url(article), change_data(editor_client, article, title="First typing"))
    editor_client.post(autosave_url(article), change_data(editor_client, article, title="Second typing"))
    revisions = Revision.objects.for_object(article)
    assert revisions.count() == 1 and revisions.get().data["fields"]["title"] == "Second typing"


def test_nothing_is_written_when_nothing_changed_since_the_last_autosave(editor_client):
    article = draft_article()
    data = change_data(editor_client, article, title="Same typing")
    first = editor_client.post(autosave_url(article), data).json()["revision"]
    second = editor_client.post(autosave_url(article), data).json()["revision"]
    assert first == second and Revision.objects.for_object(article).count() == 1


def test_two_editors_typing_keep_one_autosave_each():
    article = draft_article()
    first, second = Client(), Client()
    first.force_login(make_editor())
    second.force_login(make_editor())
    first.post(autosave_url(article), change_data(first, article, title="Lola's version"))
    second.post(autosave_url(article), change_data(second, article, title="Aziz's version"))
    titles = {r.data["fields"]["title"] for r in Revision.objects.for_object(article)}
    assert titles == {"Lola's version", "Aziz's version"}


def test_a_half_typed_form_is_kept_with_what_validates(editor_client):
    article = draft_article()
    data = change_data(editor_client, article, title="", subtitle="A new subtitle")
    assert editor_client.post(autosave_url(article), data).status_code == 200
    fields = Revision.objects.for_object(article).get().data["fields"]
    assert fields["title"] == "Saved title" and fields["subtitle"] == "A new subtitle"


def test_a_real_save_after_an_autosave_starts_a_new_autosave(editor_client):
    article = draft_article()
    editor_client.post(autosave_url(article), change_data(editor_client, article, title="Typed"))
    editor_client.post(f"/admin/articles/article/{article.pk}/change/", change_data(editor_client, article))
    editor_client.post(autosave_url(article), change_data(editor_client, article, title="Typed again"))
    autosaves = Revision.objects.for_object(article).filter(is_autosave=True)
    assert sorted(r.data["fields"]["title"] for r in autosaves) == ["Typed", "Typed again"]


def test_the_change_page_offers_the_newer_autosave(editor_client):
    article = draft_article()
    editor_client.post(autosave_url(article), change_data(editor_client, article, title="Typed"))
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "You have an autosaved draft" in html and 'data-autosave-url="/admin/' in html


def test_autosave_answers_only_posts_from_editors_of_the_article(client):
    article = draft_article()
    client.force_login(make_moderator())
    assert client.post(autosave_url(article), {}).status_code == 403
    client.force_login(make_editor())
    assert client.get(autosave_url(article)).status_code == 405
    assert client.post("/admin/articles/article/999999/autosave/", {}).status_code == 404
    assert not Revision.objects.exists()
