"""revisions.snapshots.revision_restore from a command or the shell: a new revision and an audit record."""

import pytest

from revisions.models import Revision
from revisions.snapshots import revision_create, revision_restore
from staff.models import AuditEvent
from tests.editorial_audit import audit_events
from tests.factories import make_article, make_editor, make_issue

pytestmark = pytest.mark.django_db


def test_restoring_without_the_admin_leaves_a_revision_and_an_audit_record():
    article = make_article(title="First title", blocks=[("answer", "<p>Old answer.</p>")])
    old = revision_create(obj=article, user=None, related=("blocks",))
    article.title = "Second title"
    article.save()
    article.blocks.update(body="<p>New answer.</p>")
    editor = make_editor(username="kamola")
    restored = revision_restore(revision=old, user=editor)
    assert restored.title == "First title" and restored.blocks.get().body == "<p>Old answer.</p>"
    newest = Revision.objects.for_object(article).first()
    assert newest.pk != old.pk and newest.user == editor and newest.comment.startswith("Restored from")
    assert audit_events(AuditEvent.Kind.REVISION_RESTORED) == [
        ("kamola", f"article #{article.pk} First title: revision #{old.pk}")
    ]


def test_a_restore_by_nobody_in_particular_is_audited_without_an_actor():
    issue = make_issue(theme="Old theme")
    old = revision_create(obj=issue, user=None)
    issue.theme = "New theme"
    issue.save()
    revision_restore(revision=old, user=None)
    [(actor, detail)] = audit_events(AuditEvent.Kind.REVISION_RESTORED)
    assert actor == "" and detail.startswith(f"issue #{issue.pk} ")
