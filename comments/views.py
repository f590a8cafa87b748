from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.models import Article
from guards.ratelimit import client_ip, hit

from .forms import CommentForm
from .models import DiscussionSettings
from .moderation import comments_allowed
from .services import comment_create

SESSION_KEY = "comments_waiting"  # ids of this browser's comments that wait for moderation
SESSION_KEEP = 20
REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
RATE_LIMITED = _("You are posting comments too often. Please wait a few minutes and try again.")


def remembered_author(request):
    """Name, email and website saved by the "remember me" box, or {} (missing, forged or expired)."""
    try:
        return signing.loads(
            request.COOKIES.get(REMEMBER_COOKIE, ""),
            salt=REMEMBER_SALT,
            max_age=settings.COMMENTS_REMEMBER_DAYS * 86400,
        )
    except signing.BadSignature:
        return {}


def form_page(request, article, form, *, status, message=""):
    response = render(
        request,
        "comments/comment_form_page.html",
        {"article": article, "form": form, "message": message},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(settings.COMMENTS_RATE_WINDOW)
    return response


def within_rate(scope, key):
    return hit(
        f"comments:{scope}",
        key,
        limit=getattr(settings, f"COMMENTS_RATE_PER_{scope.upper()}"),
        window=settings.COMMENTS_RATE_WINDOW,
    )


@require_POST
def comment_post(request, slug):
    article = get_object_or_404(Article.objects.published().select_related("issue"), slug=slug)
    form = CommentForm(request.POST, article=article)
    if not within_rate("ip", client_ip(request)):
        return form_page(request, article, form, status=429, message=RATE_LIMITED)
    discussion = DiscussionSettings.load()
    allowed, reason = comments_allowed(article, discussion)
    if not allowed:
        return form_page(request, article, None, status=403, message=reason)
    if not form.is_valid():
        return form_page(request, article, form, status=400)
    data = form.cleaned_data
    if not within_rate("email", data["author_email"].lower()):
        return form_page(request, article, form, status=429, message=RATE_LIMITED)
    try:
        comment = comment_create(
            article=article,
            author_name=data["author_name"],
            author_email=data["author_email"],
            author_url=data["author_url"],
            body=data["body"],
            parent=data["parent"],
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            honeypot_filled=form.honeypot_filled,
            seconds_to_post=data["rendered_at"],
            discussion=discussion,
        )
    except ValidationError as error:  # the parent changed status since the form was checked
        form.add_error(None, error)
        return form_page(request, article, form, status=400)
    if comment.is_pending:
        waiting = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = [*waiting, comment.pk][-SESSION_KEEP:]
    anchor = "comment-pending" if comment.is_pending else f"comment-{comment.pk}"
    response = redirect(f"{article.get_absolute_url()}#{anchor}")
    author_cookie_set(request, response, data)
    return response


def author_cookie_set(request, response, data):
    """Set the "remember me" cookie only when the box is ticked; unticking forgets the author."""
    if data["remember"]:
        author = {"name": data["author_name"], "email": data["author_email"], "url": data["author_url"]}
        response.set_cookie(
            REMEMBER_COOKIE,
            signing.dumps(author, salt=REMEMBER_SALT, compress=True),
            max_age=settings.COMMENTS_REMEMBER_DAYS * 86400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif REMEMBER_COOKIE in request.COOKIES:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
