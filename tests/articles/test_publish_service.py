"""articles.services.article_publish: a revision and an audit record, whoever publishes."""

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import article_publish
from revisions.models import Revision
from staff.models import AuditEvent
from tests.editorial_audit import audit_events
from tests.factories import make_article, make_editor

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
