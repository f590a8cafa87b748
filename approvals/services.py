"""Everything that can happen to an approval: sent, withdrawn, answered, each proposal decided.

Every step leaves a revision of the article (revisions.snapshots), so its history tells the whole story;
the interviewee's answer is kept in the audit log too (ops.audit).
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _, ngettext

from articles.models import Article
from articles.services import REVISION_RELATED as ARTICLE_RELATED
from ops.audit import audit
from outbox.models import Letter
from outbox.services import letter_send
from revisions.snapshots import revision_create

from .models import Approval, Proposal
from .tokens import approval_token_make


class LinkClosed(Exception):
    """The approval was answered, withdrawn or expired before this answer arrived."""


class TextChanged(Exception):
    """The editors changed the text after the interviewee opened it: the answer is about an old text."""


def approval_blocks(article):
    """Every block of `article` in reading order.

    The approval link is the interviewee's own access to the whole text, print-first or not: its page
    is never cached, shared or indexed, and only the link's holder reaches it (approvals/views.py).
    """
    return list(article.blocks.order_by("position", "id"))


def text_digest(blocks):
    """A fingerprint of the text the interviewee reads: it changes when any block does."""
    rows = [[block.pk, block.kind, block.body, block.caption, block.image.name] for block in blocks]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:32]


def approval_url(approval):
    path = reverse(
        "approvals:page", kwargs={"article_id": approval.article_id, "token": approval_token_make(approval)}
    )
    return f"{settings.SITE_URL}{path}"


def approval_send(
    *, article: Article, email: str, language: str, days: int, message: str = "", user, form_key=None
) -> Approval:
    """Make an approval link for `article`, queue the letter that carries it, keep a revision.

    The same `form_key` (one admin form posted twice) returns the approval already made.
    """
    if not article.interviewee_name.strip():
        raise ValidationError(_("Name the interviewee in the article first."), code="no_interviewee")
    if form_key and (existing := Approval.objects.filter(form_key=form_key).first()):
        return existing
    approval = Approval(
        article=article,
        interviewee_name=article.interviewee_name.strip(),
        email=email,
        language=language,
        message=message.strip(),
        sent_by=user,
        expires_at=timezone.now() + timedelta(days=days),
        form_key=form_key,
    )
    approval.full_clean(exclude=["form_key"])
    try:
        with transaction.atomic():
            approval.save()
            approval_letter_send(approval)
            when = date_format(timezone.localtime(approval.expires_at), "DATETIME_FORMAT")
            comment = _("Sent for approval to %(name)s <%(email)s>; the link is valid until %(when)s.") % {
                "name": approval.interviewee_name,
                "email": approval.email,
                "when": when,
            }
            revision_create(obj=article, user=user, related=ARTICLE_RELATED, comment=comment)
    except IntegrityError:
        if not form_key:
            raise
        return Approval.objects.get(form_key=form_key)
    return approval


def approval_letter_send(approval):
    sender = approval.sent_by
    context = {
        "approval": approval,
        "article": approval.article,
        "url": approval_url(approval),
        "sender": (sender.get_full_name() or sender.get_username()) if sender else "",
    }
    with translation.override(approval.language):
        context["expires"] = date_format(timezone.localtime(approval.expires_at), "DATETIME_FORMAT")
        subject = render_to_string("approvals/email/request_subject.txt", context)
        body = render_to_string("approvals/email/request_body.txt", context)
    return letter_send(
        to=approval.email,
        subject=subject,
        body=body,
        kind=Letter.Kind.OTHER,
        language=approval.language,
        about=approval,
        key=f"approval:{approval.pk}",
    )


def approval_revoke(*, approval: Approval, user) -> bool:
    """Withdraw a link still waiting for its answer; False if it was answered or withdrawn already."""
    with transaction.atomic():
        withdrawn = Approval.objects.filter(pk=approval.pk, status=Approval.Status.WAITING).update(
            status=Approval.Status.REVOKED, revoked_at=timezone.now(), updated_at=timezone.now()
        )
        if withdrawn:
            comment = _("Approval link to %(name)s withdrawn.") % {"name": approval.interviewee_name}
            revision_create(obj=approval.article, user=user, related=ARTICLE_RELATED, comment=comment)
    approval.refresh_from_db()
    return bool(withdrawn)


def approval_answer(*, approval: Approval, seen: str, proposals: list[dict], comment: str = "") -> Approval:
    """Record the interviewee's answer about the text they saw (`seen`, its text_digest): approved as
    it is, or approved with `proposals` ([{"block", "proposed" (HTML), "comment"}]).

    One answer per link: a second one (a double click, a second tab, another process) raises LinkClosed
    and changes nothing; an answer about a text changed since raises TextChanged.
    """
    now = timezone.now()
    status = Approval.Status.APPROVED_WITH_CHANGES if proposals else Approval.Status.APPROVED
    with transaction.atomic():
        blocks = approval_blocks(approval.article)
        if text_digest(blocks) != seen:
            raise TextChanged
        numbers = {block.pk: number for number, block in enumerate(blocks, start=1)}
        answered = Approval.objects.filter(
            pk=approval.pk, status=Approval.Status.WAITING, expires_at__gt=now
        ).update(status=status, answered_at=now, comment=comment.strip(), updated_at=now)
        if not answered:
            raise LinkClosed
        Proposal.objects.bulk_create(
            Proposal(
                approval=approval,
                block=item["block"],
                block_number=numbers[item["block"].pk],
                block_kind=item["block"].kind,
                original=item["block"].body,
                proposed=item["proposed"],
                comment=item["comment"].strip(),
            )
            for item in proposals
        )
        with translation.override(settings.LANGUAGE_CODE):  # read by editors, in the site's language
            if proposals:
                summary = ngettext(
                    "Approved by the interviewee %(name)s with %(count)d proposed change.",
                    "Approved by the interviewee %(name)s with %(count)d proposed changes.",
                    len(proposals),
                )
            else:
                summary = _("Approved by the interviewee %(name)s as it is.")
            summary %= {"name": approval.interviewee_name, "count": len(proposals)}
        revision_create(obj=approval.article, user=None, related=ARTICLE_RELATED, comment=summary)
        audit(
            "interview_approved",
            detail=f"article #{approval.article_id} {approval.article}: approval #{approval.pk}, "
            f"{status}, proposals: {len(proposals)}",
        )
    approval.refresh_from_db()
    return approval


def proposal_decide(*, proposal: Proposal, accept: bool, user) -> bool:
    """Accept (the block takes the proposed text) or reject a proposal; False if it was decided already.

    Raises ValidationError when accepting a change to a block that no longer exists.
    """
    with transaction.atomic():
        rows = Proposal.objects.select_related("approval__article", "block")
        proposal = rows.select_for_update(of=("self",)).get(pk=proposal.pk)  # its block may be gone (NULL)
        if proposal.decision != Proposal.Decision.PENDING:
            return False
        article, block = proposal.approval.article, proposal.block
        if accept and proposal.changes_text:
            if block is None:
                raise ValidationError(
                    _("%(block)s is no longer in the article: this change cannot be applied.")
                    % {"block": proposal.block_label},
                    code="block_gone",
                )
            block.body = proposal.proposed
            block.save(update_fields=["body"])
            # The article's edit form, open elsewhere, must not save the old text over this one.
            Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
        proposal.decision = Proposal.Decision.ACCEPTED if accept else Proposal.Decision.REJECTED
        proposal.decided_at, proposal.decided_by = timezone.now(), user
        proposal.save(update_fields=["decision", "decided_at", "decided_by"])
        message = (
            _("Accepted the interviewee's change to %(block)s.")
            if accept
            else _("Rejected the interviewee's change to %(block)s.")
        )
        revision_create(
            obj=article, user=user, related=ARTICLE_RELATED, comment=message % {"block": proposal.block_label}
        )
    return True
