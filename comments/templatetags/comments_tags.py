from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import SimpleLazyObject, cached_property

from sitecache import depends_on, mark_private

from ..forms import CommentForm, rendered_at_token
from ..models import Comment, DiscussionSettings
from ..moderation import comments_allowed
from ..text import render_comment_text
from ..views import SESSION_KEY, remembered_author

register = template.Library()


class CommentSection:
    """What the comment section of an article page shows, loaded only when the template asks.

    A page of threads costs the same few queries for 10 or 10 000 comments: the page's top-level
    comments, then their replies one level at a time (COMMENTS_MAX_DEPTH levels in all). Replies
    whose parent is not shown (no longer approved) are left out with it. A browser's own waiting
    comments and remembered details make the page private: the page cache never stores it.
    """

    def __init__(self, request, article):
        self.request, self.article = request, article
        session = getattr(request, "session", None)
        self.own_ids = session.get(SESSION_KEY, []) if session is not None else []
        self.author = remembered_author(request)
        self.allowed, self.closed_reason = comments_allowed(article, DiscussionSettings.load())
        self.article_url = article.get_absolute_url()
        self.page_number = request.GET.get("cpage", "")
        depends_on(f"comments:{article.pk}")
        self.waiting = []
        if self.own_ids:
            self.waiting = list(
                article.comments.filter(
                    pk__in=self.own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM]
                )
            )
        if self.waiting or self.author:
            mark_private(request)
        self.form = SimpleLazyObject(self.make_form)
        self.rendered_at = rendered_at_token()

    @property
    def shared(self):
        """True when the threads look the same to every reader (none of this browser's own waiting)."""
        return not self.waiting

    @cached_property
    def shared_form(self):
        """True when the form is the blank one every reader gets."""
        return self.allowed and self.reply_to is None and not self.author

    @property
    def count(self):
        depends_on(f"comments:{self.article.pk}")  # also in the fragment that shows it
        return self._count

    @cached_property
    def _count(self):
        return self.article.comments.approved().count()

    @property
    def threads(self):
        depends_on(f"comments:{self.article.pk}")  # also in the fragment that shows them
        return self._threads

    @cached_property
    def _threads(self):
        visible = self.article.comments.for_page(own_ids=self.own_ids).order_by("created_at", "id")
        page = Paginator(visible.filter(parent__isnull=True), settings.COMMENTS_THREADS_PER_PAGE).get_page(
            self.page_number
        )
        page.object_list = level = list(page.object_list)
        for _depth in range(settings.COMMENTS_MAX_DEPTH):
            parents = {comment.pk: comment for comment in level}
            for comment in level:
                comment.children = []
            if not parents or _depth == settings.COMMENTS_MAX_DEPTH - 1:
                break
            level = list(visible.filter(parent_id__in=parents))
            for comment in level:
                parents[comment.parent_id].children.append(comment)
        return page

    @cached_property
    def reply_to(self):
        """The approved comment named by ?replytocom=, if it may still be answered."""
        try:
            pk = int(self.request.GET.get("replytocom", ""))
        except ValueError:
            return None
        if not self.allowed:
            return None
        comment = self.article.comments.filter(pk=pk).first()
        return comment if comment is not None and comment.is_answerable else None

    def make_form(self):
        if not self.allowed:
            return None
        initial = {"parent": self.reply_to}
        if self.author:
            initial |= {
                "author_name": self.author.get("name", ""),
                "author_email": self.author.get("email", ""),
                "author_url": self.author.get("url", ""),
                "remember": True,
            }
        return CommentForm(article=self.article, initial=initial)


@register.simple_tag(takes_context=True)
def article_comments(context):
    """The comment section of the article page (CommentSection)."""
    return CommentSection(context["request"], context["article"])


@register.filter(is_safe=True)
def comment_text(value):
    """Plain comment text as HTML: escaped, http(s) links with rel="nofollow ugc noopener", line breaks."""
    return render_comment_text(str(value))
