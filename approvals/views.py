"""The interviewee's page: the whole interview as it will appear, and the answer form.

The page is reached only through the signed link, and it never leaves a copy anywhere: it is kept out
of the page cache (PAGE_CACHE_EXCLUDE and no-store), out of shared caches and search engines, and its
address (which holds the token) is never sent to another site as a referrer.
"""

from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import AnswerForm
from .models import Approval
from .services import LinkClosed, TextChanged, approval_answer, approval_blocks, text_digest
from .tokens import approval_token_read


def private(response):
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" would make the form post Origin: null
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def approval_page(request, article_id, token):
    request._has_private_content = True
    pk = approval_token_read(token, article_id=article_id)
    approval = Approval.objects.select_related("article").filter(pk=pk, article_id=article_id).first()
    if approval is None:
        return private(render(request, "approvals/link_invalid.html", status=404))
    with translation.override(approval.language):
        return private(answer_page(request, approval))


def answer_page(request, approval):
    context = {"approval": approval, "article": approval.article}
    if approval.status == Approval.Status.REVOKED:
        return render(request, "approvals/link_closed.html", context | {"reason": "revoked"}, status=410)
    if approval.is_answered:
        status = 409 if request.method == "POST" else 200  # a second answer: nothing is changed
        return render(request, "approvals/answered.html", context, status=status)
    if approval.is_expired():
        return render(request, "approvals/link_closed.html", context | {"reason": "expired"}, status=410)
    blocks = approval_blocks(approval.article)
    seen = text_digest(blocks)
    if request.method == "POST" and request.POST.get("seen") != seen:
        return text_changed(request, context, blocks, seen)
    if request.method == "POST":
        form = AnswerForm(request.POST, blocks=blocks)
        if form.is_valid():
            try:
                approval_answer(
                    approval=approval,
                    seen=form.cleaned_data["seen"],
                    proposals=form.cleaned_data["proposals"],
                    comment=form.cleaned_data["comment"],
                )
            except LinkClosed:
                approval.refresh_from_db()
                return answer_page(request, approval)
            except TextChanged:  # changed by the editors while this answer was being checked
                return text_changed(request, context, approval_blocks(approval.article), None)
            return redirect(request.path)
    else:
        form = AnswerForm(blocks=blocks, initial={"seen": seen})
    context |= {"form": form, "blocks": blocks}
    return render(request, "approvals/approval_page.html", context, status=400 if form.is_bound else 200)


def text_changed(request, context, blocks, seen):
    """The new text, with what the interviewee wrote kept in the form (a new block starts as it reads)."""
    kept = {name: request.POST[name] for name in AnswerForm(blocks=blocks).fields if name in request.POST}
    form = AnswerForm(blocks=blocks, initial=kept | {"seen": seen or text_digest(blocks), "answer": ""})
    context |= {"form": form, "blocks": blocks, "text_changed": True}
    return render(request, "approvals/approval_page.html", context, status=409)
