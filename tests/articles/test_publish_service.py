"""articles.services.article_publish: a revision and an audit record, whoever publishes."""

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish
from revisions.models import Revision
from staff.models import AuditEvent
from tests.editorial_audit import audit_events
from tests.factories import make_article, make_editor, make_issue
from tests.html_forms import admin_form_data, admin_form_post

pytestmark = pytest.mark.django_db


def test_publishing_from_the_shell_leaves_a_revision_with_the_blocks_and_an_audit_record():
    article = make_article(
        status=Article.Status.DRAFT, title="Water diplomacy", blocks=[("answer", "<p>Yes.</p>")]
    )
    now = timezone.now()
    article_publish(article=article, now=now)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.publish_at == now
    revision = Revision.objects.for_object(article).get()
    assert revision.user is None and revision.data["fields"]["status"] == "published"
    assert [block["body"] for block in revision.data["related"]["blocks"]] == ["<p>Yes.</p>"]
    assert audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED) == [("", f"article #{article.pk} Water diplomacy")]


def test_the_publisher_is_named_in_the_revision_and_the_audit_record():
    editor = make_editor(username="dilnoza")
    article = article_publish(article=make_article(status=Article.Status.DRAFT), by=editor)
    assert Revision.objects.for_object(article).get().user == editor
    [(actor, _detail)] = audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED)
    assert actor == "dilnoza"


def test_the_admin_action_publishes_through_the_service(editor_client, editor):
    article = make_article(status=Article.Status.DRAFT)
    editor_client.post(
        "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
    )
    assert Revision.objects.for_object(article).get().user == editor
    assert audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED) == [
        (editor.get_username(), f"article #{article.pk} {article}")
    ]


def test_publishing_by_the_change_forms_status_leaves_its_audit_record(editor_client, editor):
    article = make_article(status=Article.Status.DRAFT, title="Border talks")
    data = admin_form_data(editor_client, article)
    assert admin_form_post(editor_client, article, data, status="published").status_code == 302
    assert audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED) == [
        (editor.get_username(), f"article #{article.pk} Border talks")
    ]
    # Saving it again (still published, status untouched) is no second publication.
    admin_form_post(editor_client, article, admin_form_data(editor_client, article), title="Border talks II")
    assert len(audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED)) == 1


def test_publishing_in_the_issues_table_of_contents_leaves_its_audit_record(editor_client, editor):
    issue = make_issue()
    draft = make_article(issue=issue, status=Article.Status.DRAFT, title="From the issue page")
    make_article(issue=issue, title="Already live")  # unchanged: no record
    data = admin_form_data(editor_client, issue)
    rows = {data[f"articles-{n}-id"][0]: n for n in range(2)}
    assert (
        admin_form_post(
            editor_client, issue, data, **{f"articles-{rows[str(draft.pk)]}-status": "published"}
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert audit_events(AuditEvent.Kind.ARTICLE_PUBLISHED) == [
        (editor.get_username(), f"article #{draft.pk} From the issue page")
    ]
