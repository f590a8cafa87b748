"""The approval pages of the article admin: send a link, withdraw it, decide each proposed change.

The article admin is registered again with ApprovalAdminMixin in front, so articles/admin.py stays
as it is (this app comes after `articles` in INSTALLED_APPS).
"""

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from articles.admin import ArticleAdmin
from articles.models import Article
from outbox.models import Letter
from richtext.htmltext import html_diff
from richtext.sanitize import sanitize_html

from .forms import SendForm
from .models import Approval, Proposal
from .services import approval_revoke, approval_send, proposal_decide
from .summary import approval_summary, when


def proposal_rows(article):
    """The proposed changes of `article`, newest answer first, each beside the block's current text."""
    proposals = (
        Proposal.objects.filter(approval__article=article)
        .select_related("approval", "block", "decided_by")
        .order_by("-approval__answered_at", "id")
    )
    rows = []
    for proposal in proposals:
        current = proposal.block.body if proposal.block else None
        rows.append(
            {
                "proposal": proposal,
                "current": mark_safe(sanitize_html(current)) if current is not None else None,
                "proposed": mark_safe(
                    html_diff(current if current is not None else proposal.original, proposal.proposed)
                ),
                "edited_since": current is not None and current != proposal.original,
            }
        )
    return rows


def letters_by_approval(approvals):
    """{approval pk: its letter} in one query, to show whether each link's letter left."""
    content_type = ContentType.objects.get_for_model(Approval)
    letters = Letter.objects.filter(content_type=content_type, object_id__in=[a.pk for a in approvals])
    return {letter.object_id: letter for letter in letters}


class ApprovalAdminMixin:
    """For the article admin (a RevisionAdminMixin): the approval page, and the state on the form."""

    change_form_template = "admin/approvals/article_change_form.html"

    def get_urls(self):
        view, name = self.admin_site.admin_view, self.url_name
        return [
            path(
                "<path:object_id>/approval/",
                view(require_http_methods(["GET", "POST"])(self.approval_view)),
                name=name("approval"),
            ),
            path(
                "<path:object_id>/approval/<int:approval_id>/withdraw/",
                view(require_POST(self.approval_withdraw_view)),
                name=name("approval_withdraw"),
            ),
            path(
                "<path:object_id>/approval/changes/<int:proposal_id>/<str:decision>/",
                view(require_POST(self.proposal_decide_view)),
                name=name("approval_decide"),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        summary = approval_summary(article) if article is not None and article.is_interview else ""
        return super().change_view(
            request, object_id, form_url, {"approval_summary": summary} | (extra_context or {})
        )

    def approval_article(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def approval_page_url(self, article):
        return redirect(f"admin:{self.url_name('approval')}", article.pk)

    def approval_view(self, request, object_id):
        article = self.approval_article(request, object_id)
        if request.method == "POST":
            form = SendForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    approval = approval_send(
                        article=article,
                        email=data["email"],
                        language=data["language"],
                        days=data["days"],
                        message=data["message"],
                        user=request.user,
                        form_key=data["form_key"] or None,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    message = _("The approval link was sent to %(email)s. It is valid until %(when)s.") % {
                        "email": approval.email,
                        "when": when(approval.expires_at),
                    }
                    self.message_user(request, message, messages.SUCCESS)
                    return self.approval_page_url(article)
        else:
            form = SendForm(
                initial={
                    "language": article.language,
                    "days": settings.APPROVALS_LINK_DAYS,
                    "form_key": uuid.uuid4().hex,
                }
            )
        approvals = list(Approval.objects.filter(article=article).select_related("sent_by"))
        letters = letters_by_approval(approvals)
        for approval in approvals:
            approval.letter = letters.get(approval.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": article,
            "title": _("Approval by the interviewee: %s") % article,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "summary": approval_summary(article),
            "approvals": approvals,
            "rows": proposal_rows(article),
            "form": form,
            "now": timezone.now(),
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/approvals/approval.html", context, status=status)

    def approval_withdraw_view(self, request, object_id, approval_id):
        article = self.approval_article(request, object_id)
        approval = get_object_or_404(Approval, pk=approval_id, article=article)
        if approval_revoke(approval=approval, user=request.user):
            message = _("The link sent to %(email)s is withdrawn: it now opens a page saying so.")
            self.message_user(request, message % {"email": approval.email}, messages.SUCCESS)
        else:
            self.message_user(request, _("This link was already answered or withdrawn."), messages.WARNING)
        return self.approval_page_url(article)

    def proposal_decide_view(self, request, object_id, proposal_id, decision):
        article = self.approval_article(request, object_id)
        if decision not in ("accept", "reject"):
            raise Http404
        proposal = get_object_or_404(Proposal, pk=proposal_id, approval__article=article)
        try:
            decided = proposal_decide(proposal=proposal, accept=decision == "accept", user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self.approval_page_url(article)
        if not decided:
            self.message_user(request, _("This change was already decided."), messages.WARNING)
        elif decision == "accept":
            message = _("The change to %(block)s is accepted; the article's text now has it.")
            self.message_user(request, message % {"block": proposal.block_label}, messages.SUCCESS)
        else:
            message = _("The change to %(block)s is rejected; the text stays as it was.")
            self.message_user(request, message % {"block": proposal.block_label}, messages.SUCCESS)
        return self.approval_page_url(article)


admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithApprovalAdmin(ApprovalAdminMixin, ArticleAdmin):
    pass
