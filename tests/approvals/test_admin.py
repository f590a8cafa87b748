"""The editor's side: sending the link from the article, withdrawing it, deciding each proposed change."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from approvals.models import Approval, Proposal
from approvals.services import approval_answer, approval_blocks, proposal_decide, text_digest
from outbox.models import Letter
from revisions.models import Revision
from tests.approvals.helpers import link_path, send_link
from tests.concurrency import run_together
from tests.factories import make_article, make_interview, make_user
from tests.html_forms import read_form
from tests.subscriptions.helpers import RefusingBackend, use_backend

pytestmark = pytest.mark.django_db


def approval_url(article, tail=""):
    return f"/admin/articles/article/{article.pk}/approval/{tail}"


def send_form(client, article, **changes):
    """The approval page's send form as the editor fills it: their email, the rest left as offered."""
    form = read_form(client.get(approval_url(article)).content.decode(), "approval-send-form")
    data = {name: values[0] for name, values in form.entries().items()}
    return data | {"email": "aziza@example.org"} | changes


def answered_with_change(article, text="<p>Trade found <b>new</b> and safer roads.</p>"):
    approval, _path = send_link(article)
    blocks = approval_blocks(article)
    approval_answer(
        approval=approval,
        seen=text_digest(blocks),
        proposals=[{"block": blocks[1], "proposed": text, "comment": "Safer."}],
    )
    return approval, Proposal.objects.get(approval=approval)


def test_the_article_form_leads_to_the_approval_page(editor_client):
    article = make_interview()
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert approval_url(article) in html
    page = editor_client.get(approval_url(article))
    assert page.status_code == 200 and "Send the interview for approval" in page.content.decode()


def test_an_editor_sends_the_link_and_the_letter_carries_it(
    editor_client, editor, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_interview(language="ru")
    data = send_form(editor_client, article, message="Please read it before Friday.")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(approval_url(article), data, follow=True)
    assert response.status_code == 200
    assert "The approval link was sent to aziza@example.org" in response.content.decode()
    approval = Approval.objects.get()
    # The article's language is offered for the letter and the page.
    assert (approval.email, approval.language, approval.sent_by) == ("aziza@example.org", "ru", editor)
    letter = mailoutbox[-1]
    assert letter.to == ["aziza@example.org"] and "Water diplomacy" in letter.subject
    assert "Please read it before Friday." in letter.body
    assert Client().get(link_path(letter.body)).status_code == 200
    revision = Revision.objects.for_object(article).first()
    assert revision.user == editor and revision.comment.startswith("Sent for approval to Aziza Nurmatova")


def test_the_send_form_posted_twice_sends_one_letter(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    article = make_interview()
    data = send_form(editor_client, article)
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(approval_url(article), data)
        editor_client.post(approval_url(article), data)  # a double click
    assert Approval.objects.count() == 1 and len(mailoutbox) == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"days": "0"}, "greater than or equal to 1"),
        ({"days": "61"}, "less than or equal to 60"),
        ({"language": "de"}, "Select a valid choice."),
        ({"message": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_a_wrong_send_form_says_why_and_sends_nothing(editor_client, mailoutbox, changes, message):
    article = make_interview()
    response = editor_client.post(approval_url(article), send_form(editor_client, article, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Approval.objects.exists() and mailoutbox == []


def test_an_article_without_an_interviewee_cannot_be_sent(editor_client, mailoutbox):
    article = make_article(interviewee_name="")
    data = {"email": "a@example.org", "language": "en", "days": "14", "form_key": "k1"}
    response = editor_client.post(approval_url(article), data)
    assert (
        response.status_code == 400
        and "Name the interviewee in the article first." in response.content.decode()
    )
    assert not Approval.objects.exists() and mailoutbox == []


def test_a_failed_letter_shows_on_the_approval_page(
    editor_client, settings, monkeypatch, django_capture_on_commit_callbacks
):
    use_backend(settings, RefusingBackend)
    monkeypatch.setattr(RefusingBackend, "refused", {"aziza@example.org"})
    article = make_interview()
    with django_capture_on_commit_callbacks(execute=True):
        send_link(article)
    assert Letter.objects.get().status == Letter.Status.FAILED
    html = editor_client.get(approval_url(article)).content.decode()
    assert "Failed: SMTPRecipientsRefused" in html


def test_withdrawing_a_link_closes_it_and_keeps_a_revision(editor_client):
    article = make_interview()
    approval, path = send_link(article)
    response = editor_client.post(approval_url(article, f"{approval.pk}/withdraw/"), follow=True)
    assert "is withdrawn" in response.content.decode()
    assert Approval.objects.get().status == Approval.Status.REVOKED
    assert Client().get(path).status_code == 410
    assert (
        Revision.objects.for_object(article).first().comment == "Approval link to Aziza Nurmatova withdrawn."
    )
    again = editor_client.post(approval_url(article, f"{approval.pk}/withdraw/"), follow=True)
    assert "already answered or withdrawn" in again.content.decode()
    assert Revision.objects.for_object(article).filter(comment__contains="withdrawn").count() == 1


def test_proposals_stand_beside_the_current_text(editor_client):
    article = make_interview()
    answered_with_change(article)
    html = editor_client.get(approval_url(article)).content.decode()
    assert "Now in the article" in html and "Proposed by the interviewee" in html
    assert "<p>Trade found <b>new</b> roads.</p>" in html  # the current text, rendered
    assert "<p>Trade found <b>new</b> <ins>and safer </ins>roads.</p>" in html  # theirs, changes marked
    assert "Safer." in html and "Accept this change" in html and "Reject this change" in html


def test_accepting_a_change_puts_it_in_the_article_with_a_revision(editor_client, editor):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    response = editor_client.post(approval_url(article, f"changes/{proposal.pk}/accept/"), follow=True)
    assert "is accepted" in response.content.decode()
    assert article.blocks.get(pk=proposal.block_id).body == "<p>Trade found <b>new</b> and safer roads.</p>"
    proposal.refresh_from_db()
    assert proposal.decision == Proposal.Decision.ACCEPTED and proposal.decided_by == editor
    revision = Revision.objects.for_object(article).first()
    assert revision.comment == "Accepted the interviewee's change to Answer 2." and revision.user == editor
    assert revision.data["related"]["blocks"][1]["body"] == "<p>Trade found <b>new</b> and safer roads.</p>"


def test_accepting_twice_changes_nothing_more(editor_client):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    editor_client.post(approval_url(article, f"changes/{proposal.pk}/accept/"))
    revisions = Revision.objects.for_object(article).count()
    response = editor_client.post(approval_url(article, f"changes/{proposal.pk}/reject/"), follow=True)
    assert "already decided" in response.content.decode()
    assert Proposal.objects.get().decision == Proposal.Decision.ACCEPTED
    assert Revision.objects.for_object(article).count() == revisions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_accepting_at_the_same_moment_apply_the_change_once():
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    editor = make_user(is_staff=True)

    def accept():
        return proposal_decide(proposal=Proposal.objects.get(pk=proposal.pk), accept=True, user=editor)

    assert sorted(run_together(accept)) == [False, True]
    assert Revision.objects.for_object(article).filter(comment__startswith="Accepted").count() == 1


def test_rejecting_a_change_leaves_the_text_and_keeps_a_revision(editor_client):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    editor_client.post(approval_url(article, f"changes/{proposal.pk}/reject/"))
    assert article.blocks.get(pk=proposal.block_id).body == "<p>Trade found <b>new</b> roads.</p>"
    assert Proposal.objects.get().decision == Proposal.Decision.REJECTED
    assert (
        Revision.objects.for_object(article).first().comment
        == "Rejected the interviewee's change to Answer 2."
    )


def test_a_change_to_a_block_deleted_since_cannot_be_accepted(editor_client):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    article.blocks.filter(pk=proposal.block_id).delete()
    response = editor_client.post(approval_url(article, f"changes/{proposal.pk}/accept/"), follow=True)
    assert "is no longer in the article" in response.content.decode()
    assert Proposal.objects.get().decision == Proposal.Decision.PENDING


def test_an_accepted_change_stops_an_older_open_form_from_saving_over_it(editor_client):
    from tests.html_forms import admin_form_data, admin_form_post

    article = make_interview()
    _approval, proposal = answered_with_change(article)
    stale = admin_form_data(editor_client, article)  # the article's form, opened before the decision
    editor_client.post(approval_url(article, f"changes/{proposal.pk}/accept/"))
    response = admin_form_post(editor_client, article, stale)
    assert response.status_code == 200 and "after you opened it" in response.content.decode()
    assert "and safer" in article.blocks.get(pk=proposal.block_id).body


@pytest.mark.parametrize("tail", ["changes/{proposal}/maybe/", "changes/999999/accept/", "999999/withdraw/"])
def test_unknown_decisions_proposals_and_links_are_not_found(editor_client, tail):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    assert editor_client.post(approval_url(article, tail.format(proposal=proposal.pk))).status_code == 404
    assert Proposal.objects.get().decision == Proposal.Decision.PENDING


def test_a_proposal_of_another_article_is_not_found_here(editor_client):
    article, other = make_interview(), make_interview(title="Other")
    _approval, proposal = answered_with_change(article)
    assert editor_client.post(approval_url(other, f"changes/{proposal.pk}/accept/")).status_code == 404
    assert Proposal.objects.get().decision == Proposal.Decision.PENDING


def test_the_approval_actions_answer_405_to_a_get(editor_client):
    article = make_interview()
    approval, proposal = answered_with_change(article)
    assert editor_client.get(approval_url(article, f"changes/{proposal.pk}/accept/")).status_code == 405
    assert editor_client.get(approval_url(article, f"{approval.pk}/withdraw/")).status_code == 405


def test_staff_who_cannot_change_articles_can_do_nothing_here(client):
    article = make_interview()
    approval, proposal = answered_with_change(article)
    viewer = make_user(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert client.get(approval_url(article)).status_code == 403
    assert client.post(approval_url(article), {"email": "x@example.org"}).status_code == 403
    assert client.post(approval_url(article, f"changes/{proposal.pk}/accept/")).status_code == 403
    assert client.post(approval_url(article, f"{approval.pk}/withdraw/")).status_code == 403
    assert Proposal.objects.get().decision == Proposal.Decision.PENDING


def test_a_missing_article_is_not_found(editor_client):
    assert editor_client.get("/admin/articles/article/999999/approval/").status_code == 404


def test_the_editors_forms_need_the_csrf_token(editor):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(approval_url(article, f"changes/{proposal.pk}/accept/")).status_code == 403
    assert client.post(approval_url(article), {"email": "x@example.org"}).status_code == 403
    assert Proposal.objects.get().decision == Proposal.Decision.PENDING


def test_the_article_shows_when_the_interviewee_approved_it(editor_client):
    article = make_interview()
    change_url = f"/admin/articles/article/{article.pk}/change/"
    assert "approval-summary" not in editor_client.get(change_url).content.decode()
    approval, path = send_link(article)
    assert "no answer yet" in editor_client.get(change_url).content.decode()
    approval_answer(approval=approval, seen=text_digest(approval_blocks(article)), proposals=[])
    approval.refresh_from_db()
    html = editor_client.get(change_url).content.decode()
    assert "Approved by the interviewee Aziza Nurmatova on" in html and "as it is" in html


def test_the_summary_counts_the_decisions(editor_client):
    article = make_interview()
    _approval, proposal = answered_with_change(article)
    editor_client.post(approval_url(article, f"changes/{proposal.pk}/accept/"))
    html = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "with changes: 1 accepted, 0 rejected, 0 to decide." in html
