from django import template
from django.conf import settings
from django.core.paginator import Paginator

from ..forms import CommentForm
from ..models import DiscussionSettings
from ..moderation import comments_allowed
from ..text import render_comment_text
from ..views import SESSION_KEY, remembered_author

register = template.Library()


def comment_threads(comments):
    """Top-level comments, each with `.children` filled from `comments` (already in date order).

    A reply whose parent is not in the list (no longer approved) is left out with its parent.
    """
    by_id = {comment.pk: comment for comment in comments}
    for comment in comments:
        comment.children = []
    threads = []
    for comment in comments:
        if comment.parent_id is None:
            threads.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].children.append(comment)
    return threads


def reply_target(request, comments):
    """The approved comment named by ?replytocom=, if it may still be answered."""
    try:
        pk = int(request.GET.get("replytocom", ""))
    except ValueError:
        return None
    for comment in comments:
        if comment.pk == pk and not comment.is_pending and comment.depth < settings.COMMENTS_MAX_DEPTH - 1:
            return comment
    return None


@register.simple_tag(takes_context=True)
def article_comments(context):
    """Everything the comment section of the article page needs, in one query for any number of comments.

    The page shows this browser's waiting comments and remembered details, so such a response is
    marked private and the page cache (magazine/cache.py) never stores or serves it.
    """
    request, article = context["request"], context["article"]
    discussion = DiscussionSettings.load()
    own_ids = request.session.get(SESSION_KEY, []) if hasattr(request, "session") else []
    comments = list(article.comments.for_page(own_ids=own_ids).order_by("created_at", "id"))
    allowed, reason = comments_allowed(article, discussion)
    author = remembered_author(request)
    waiting = [comment for comment in comments if comment.is_pending]
    if waiting or author:
        request._has_private_content = True
    form, reply_to = None, None
    if allowed:
        reply_to = reply_target(request, comments)
        initial = {"parent": reply_to}
        if author:
            initial |= {
                "author_name": author.get("name", ""),
                "author_email": author.get("email", ""),
                "author_url": author.get("url", ""),
                "remember": True,
            }
        form = CommentForm(article=article, initial=initial)
    threads = Paginator(comment_threads(comments), settings.COMMENTS_THREADS_PER_PAGE).get_page(
        request.GET.get("cpage")
    )
    return {
        "threads": threads,
        "count": len(comments) - len(waiting),
        "waiting": waiting,
        "allowed": allowed,
        "closed_reason": reason,
        "form": form,
        "reply_to": reply_to,
        "reply_depth": settings.COMMENTS_MAX_DEPTH - 1,
        "article_url": article.get_absolute_url(),
    }


@register.filter(is_safe=True)
def comment_text(value):
    """Plain comment text as HTML: escaped, http(s) links with rel="nofollow ugc noopener", line breaks."""
    return render_comment_text(str(value))
