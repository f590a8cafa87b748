"""The interviewee's page, reached only through the link in the letter."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from approvals.models import Approval, Proposal
from approvals.services import LinkClosed, approval_answer, approval_blocks, approval_revoke, text_digest
from revisions.models import Revision
from sitecache import page_key
from tests.approvals.helpers import send_link
from tests.concurrency import run_together
from tests.factories import make_editor, make_interview
from tests.html_forms import read_form

pytestmark = pytest.mark.django_db


def answer(client, path, *, decision, **changes):
    """Post the page's form as the interviewee leaves it: untouched but for `changes`, then a button."""
    form = read_form(client.get(path).content.decode(), "approval-form")
    data = {name: values[0] for name, values in form.entries().items()} | changes | {"answer": decision}
    return client.post(path, data)


def block_field(article, number, kind="text"):
    block = list(article.blocks.order_by("position", "id"))[number - 1]
    return f"{kind}_{block.pk}"


def test_the_letter_link_opens_the_whole_interview_without_an_account(client):
    article = make_interview()
    _approval, path = send_link(article)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Water diplomacy" in html and "What changed this year?" in html
    assert "HIDDENMARKER" in html  # the print-only part too: the interviewee approves every word
    assert "Approve the text as it is" in html and "Approve with my changes" in html


def test_the_page_is_never_kept_by_any_cache_nor_sent_as_a_referrer(client):
    _approval, path = send_link(make_interview())
    response = client.get(path)
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "X-Page-Cache" not in response
    from django.core.cache import cache

    assert cache.get(page_key(response.wsgi_request)) is None
    assert "X-Page-Cache" not in Client().get(path)  # a second visitor without cookies: still not cached


def test_the_page_speaks_the_language_the_editor_chose(client):
    _approval, path = send_link(make_interview(), language="ru")
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="uz").content.decode()
    assert '<html lang="ru">' in html and "Одобрить текст без изменений" in html


def test_approving_as_it_is_records_the_answer_and_a_revision(client):
    article = make_interview()
    approval, path = send_link(article)
    response = answer(client, path, decision="approve")
    assert response.status_code == 302 and response.url == path
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED and approval.answered_at is not None
    assert not Proposal.objects.exists()
    latest = Revision.objects.for_object(article).first()
    assert latest.user is None and "Approved by the interviewee Aziza Nurmatova as it is." == latest.comment


def test_after_the_answer_the_link_thanks_and_no_longer_shows_the_text(client):
    _approval, path = send_link(make_interview())
    answer(client, path, decision="approve")
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200 and "Thank you" in html
    assert "HIDDENMARKER" not in html and "What changed this year?" not in html


def test_approving_with_a_change_keeps_the_formatting_around_the_changed_words(client):
    article = make_interview()
    approval, path = send_link(article)
    field = block_field(article, 2)
    response = answer(
        client,
        path,
        decision="changes",
        **{field: "Trade found new and safer roads.", block_field(article, 2, "comment"): "Safer matters."},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED_WITH_CHANGES
    proposal = Proposal.objects.get()
    assert proposal.block_label == "Answer 2" and proposal.comment == "Safer matters."
    assert proposal.original == "<p>Trade found <b>new</b> roads.</p>"
    assert proposal.proposed == "<p>Trade found <b>new</b> and safer roads.</p>"
    assert article.blocks.get(pk=proposal.block_id).body == proposal.original  # the editor decides
    assert Revision.objects.for_object(article).first().comment == (
        "Approved by the interviewee Aziza Nurmatova with 1 proposed change."
    )


def test_a_comment_alone_is_a_proposal_too(client):
    article = make_interview()
    _approval, path = send_link(article)
    answer(client, path, decision="changes", **{block_field(article, 1, "comment"): "Ask it shorter."})
    proposal = Proposal.objects.get()
    assert not proposal.changes_text and proposal.comment == "Ask it shorter."


def test_the_second_of_two_answers_changes_nothing(client):
    article = make_interview()
    approval, path = send_link(article)
    form = read_form(client.get(path).content.decode(), "approval-form")
    data = {name: values[0] for name, values in form.entries().items()}
    data |= {block_field(article, 2): "Trade found roads.", "answer": "changes"}
    assert client.post(path, data).status_code == 302
    revisions = Revision.objects.for_object(article).count()
    again = client.post(path, data)  # a double click, or the same form in a second tab
    assert again.status_code == 409 and "Thank you" in again.content.decode()
    assert Proposal.objects.count() == 1 and Revision.objects.for_object(article).count() == revisions


def test_an_answer_from_a_page_loaded_before_another_answer_is_refused():
    """Two processes load the waiting link, then both answer: the database, not memory, decides."""
    approval, _path = send_link(make_interview())
    seen = text_digest(approval_blocks(approval.article))
    first, second = Approval.objects.get(pk=approval.pk), Approval.objects.get(pk=approval.pk)
    approval_answer(approval=first, seen=seen, proposals=[])
    with pytest.raises(LinkClosed):
        approval_answer(approval=second, seen=seen, proposals=[])
    assert Revision.objects.for_object(approval.article).filter(comment__startswith="Approved").count() == 1


# serialized_rollback: the flush after a transactional test must leave the migrated rows for the next ones.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_answers_at_the_same_moment_from_two_connections_make_one():
    """Two threads, each with its own database connection, answer together: one wins, one is refused."""
    approval, _path = send_link(make_interview())
    seen = text_digest(approval_blocks(approval.article))

    def answer_once():
        approval_answer(approval=Approval.objects.get(pk=approval.pk), seen=seen, proposals=[])
        return "answered"

    assert sorted(run_together(answer_once)) == ["LinkClosed", "answered"]
    assert Revision.objects.for_object(approval.article).filter(comment__startswith="Approved").count() == 1


def test_an_answer_about_a_text_changed_meanwhile_is_refused_and_the_entries_kept(client):
    article = make_interview()
    approval, path = send_link(article)
    form = read_form(client.get(path).content.decode(), "approval-form")
    data = {name: values[0] for name, values in form.entries().items()}
    data |= {block_field(article, 2): "Trade found safer roads.", "answer": "changes"}
    article.blocks.filter(position=1).update(body="<p>What changed in 2026?</p>")  # an editor, meanwhile
    response = client.post(path, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "The editors changed the text while you were reading it" in html
    assert "What changed in 2026?" in html and "Trade found safer roads." in html
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING and not Proposal.objects.exists()


def test_a_block_added_meanwhile_shows_up_with_its_own_text_and_no_error(client):
    from articles.models import ArticleBlock

    article = make_interview()
    approval, path = send_link(article)
    form = read_form(client.get(path).content.decode(), "approval-form")
    data = {name: values[0] for name, values in form.entries().items()} | {"answer": "approve"}
    ArticleBlock.objects.create(article=article, position=9, kind="answer", body="<p>A late answer.</p>")
    response = client.post(path, data)
    html = response.content.decode()
    assert response.status_code == 409 and "A late answer." in html and "is empty" not in html
    assert Approval.objects.get(pk=approval.pk).status == Approval.Status.WAITING


@pytest.mark.parametrize(
    "decision, change, message",
    [
        ("approve", {"text": "Trade found old roads."}, "send that with “Approve with my changes”"),
        ("changes", {}, "You have not changed or commented on any block"),
        ("", {}, "Choose one of the two buttons"),
        ("maybe", {}, "Choose one of the two buttons"),
        ("changes", {"text": "   "}, "The text of block 2 is empty"),
        ("changes", {"comment": "x" * 2001}, "at most 2000 characters"),
        ("changes", {"text": "x" * 20001}, "at most 20000 characters"),
    ],
)
def test_a_wrong_answer_is_shown_again_with_its_error_and_records_nothing(client, decision, change, message):
    article = make_interview()
    approval, path = send_link(article)
    fields = {block_field(article, 2, kind): value for kind, value in change.items()}
    response = answer(client, path, decision=decision, **fields)
    assert response.status_code == 400 and message in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING and not Proposal.objects.exists()


def test_a_forged_link_gets_a_clear_page_and_no_text(client):
    article = make_interview()
    approval, path = send_link(article)
    forged = path[:-3] + ("x" if path[-3] != "x" else "y") + path[-2:]
    response = client.get(forged)
    html = response.content.decode()
    assert response.status_code == 404 and "This approval link is not valid" in html
    assert "Water diplomacy" not in html
    assert client.post(forged, {"answer": "approve"}).status_code == 404
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING


def test_a_link_for_another_article_is_not_valid(client):
    article, other = make_interview(), make_interview(title="Another talk")
    approval, path = send_link(article)
    elsewhere = path.replace(f"/approval/{article.pk}/", f"/approval/{other.pk}/")
    response = client.get(elsewhere)
    assert response.status_code == 404 and "Another talk" not in response.content.decode()
    assert client.post(elsewhere, {"answer": "approve"}).status_code == 404
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING


def test_an_expired_link_says_so_and_changes_nothing(client):
    article = make_interview()
    approval, path = send_link(article)
    Approval.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 410 and "This approval link has expired" in html
    assert "What changed this year?" not in html
    assert client.post(path, {"answer": "approve"}).status_code == 410
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING


def test_a_withdrawn_link_says_so_and_changes_nothing(client):
    article = make_interview()
    approval, path = send_link(article)
    approval_revoke(approval=approval, user=make_editor())
    response = client.get(path)
    assert response.status_code == 410 and "This approval link was withdrawn" in response.content.decode()
    assert client.post(path, {"answer": "approve"}).status_code == 410
    assert Approval.objects.get(pk=approval.pk).status == Approval.Status.REVOKED


def test_the_answer_needs_the_csrf_token():
    article = make_interview()
    approval, path = send_link(article)
    browser = Client(enforce_csrf_checks=True)
    browser.get(path)
    assert browser.post(path, {"answer": "approve"}).status_code == 403
    approval.refresh_from_db()
    assert approval.status == Approval.Status.WAITING


def test_other_methods_are_refused(client):
    _approval, path = send_link(make_interview())
    assert client.put(path).status_code == 405
    assert client.delete(path).status_code == 405
