"""The interviewee's answer leaves a revision of the article and an audit record, whoever records it."""

import pytest

from approvals.services import approval_answer, approval_blocks, text_digest
from revisions.models import Revision
from staff.models import AuditEvent
from tests.approvals.helpers import send_link
from tests.editorial_audit import audit_events
from tests.factories import make_interview

pytestmark = pytest.mark.django_db


def test_an_answer_recorded_outside_the_page_leaves_a_revision_and_an_audit_record():
    article = make_interview()
    approval, _path = send_link(article)
    blocks = approval_blocks(article)
    proposal = {"block": blocks[1], "proposed": "<p>Trade found roads.</p>", "comment": "Shorter."}
    approval_answer(approval=approval, seen=text_digest(blocks), proposals=[proposal])
    newest = Revision.objects.for_object(article).first()
    assert newest.user is None and "Aziza Nurmatova" in newest.comment
    assert audit_events(AuditEvent.Kind.INTERVIEW_APPROVED) == [
        ("", f"article #{article.pk} {article}: approval #{approval.pk}, approved_with_changes, proposals: 1")
    ]
