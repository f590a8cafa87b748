from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils.dates import MONTHS_ALT
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from issues.prepared import Prepared
from sitecache import depends_on, mark_private

from ..forms import CommentForm, rendered_at_token
from ..models import Comment, DiscussionSettings
from ..moderation import comments_allowed
from ..text import render_comment_text
from ..views import SESSION_KEY, remembered_author

register = template.Library()


class CommentSection:
    """What the comment section of an article page shows, loaded only when the template asks.

    A page of threads costs the same queries for 10 or 10 000 comments: the first page is one query
    (its top-level comments, their replies down to COMMENTS_MAX_DEPTH levels and both counts); a
    later page is the counts, the page, then its replies. Replies whose parent is not shown (no
    longer approved) are left out with it. A browser's own waiting
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
        return self._counts["approved"]

    @cached_property
    def _counts(self):
        """The approved comments (the heading) and the threads this browser sees (the pages).

        Read from the first page's own query when it has threads; else one query of their own.
        """
        if self._first_page:
            first = self._first_page[0]
            return {"approved": first.approved_total or 0, "threads": first.threads_total or 0}
        return self._visible.aggregate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            threads=Count("pk", filter=Q(parent__isnull=True)),
        )

    @cached_property
    def _visible(self):
        return visible_comments(self.article.pk, self.own_ids)

    def _with_replies(self, threads):
        return with_replies(self._visible, threads)

    @cached_property
    def _first_page(self):
        """The first page (what most views show): its threads, their replies and both counts in one
        query (FIRST_PAGE); None when another page is asked for."""
        if self.page_number not in ("", "1"):
            return None
        return FIRST_PAGE(article=self.article.pk, own=list(self.own_ids))

    @property
    def threads(self):
        depends_on(f"comments:{self.article.pk}")  # also in the fragment that shows them
        return self._threads

    @cached_property
    def _threads(self):
        """The page of threads: its top-level comments, then all their shown replies."""
        paginator = Paginator(self._visible.filter(parent__isnull=True), settings.COMMENTS_THREADS_PER_PAGE)
        paginator.count = self._counts["threads"]
        if self._first_page is not None:
            page = paginator.page(1)
            rows = self._first_page
            page.object_list = top = [comment for comment in rows if comment.parent_id is None]
            replies = [comment for comment in rows if comment.parent_id is not None]
        else:
            page = paginator.get_page(self.page_number)
            page.object_list = top = list(page.object_list)
            replies = self._with_replies([comment.pk for comment in top]).exclude(parent=None) if top else []
        by_parent = {}
        for reply in replies:
            by_parent.setdefault(reply.parent_id, []).append(reply)
        # Walked from the top, so a reply whose parent is not shown is left out with it.
        levels = settings.COMMENTS_MAX_DEPTH - 1  # levels of replies below a top-level comment
        level = top
        for _depth in range(levels + 1):
            for comment in level:
                comment.children = by_parent.get(comment.pk, []) if _depth < levels else []
            level = [child for comment in level for child in comment.children]
        return page

    def threads_html(self):
        """The page's threads as `<li>` items (thread_items): built in Python, not by a template
        included once per comment."""
        return thread_items(self.threads, self)

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


def visible_comments(article, own_ids):
    """The comments of `article` (a primary key) one browser sees, oldest first."""
    return Comment.objects.filter(article=article).for_page(own_ids=own_ids).order_by("created_at", "id")


def with_replies(visible, threads):
    """`threads` (ids, or a query of them) and their replies down to COMMENTS_MAX_DEPTH levels."""
    shown = Q(pk__in=threads)
    for level in range(settings.COMMENTS_MAX_DEPTH - 1):
        # A reply k levels down: its parent k-1 times over is one of the threads.
        shown |= Q(**{"__".join(["parent"] * level + ["parent_id__in"]): threads})
    return visible.filter(shown)


def first_page_query(now, *, article, own):
    """The first page of `article`'s threads with their replies and both counts (the approved
    comments, the threads this browser sees), as one query: compiled once (FIRST_PAGE)."""
    visible = visible_comments(article, own)
    threads = visible.filter(parent__isnull=True)
    # Compiled once for the three places it is used in.
    page = RawSQL(*threads.values("pk")[: settings.COMMENTS_THREADS_PER_PAGE].query.sql_with_params())
    approved = Comment.objects.filter(article=article).approved().order_by().values("article")
    thread_count = threads.order_by().values("article")
    return with_replies(visible, page).annotate(
        approved_total=Subquery(approved.annotate(total=Count("pk")).values("total")),
        threads_total=Subquery(thread_count.annotate(total=Count("pk")).values("total")),
    )


FIRST_PAGE = Prepared(first_page_query, settings_read=["COMMENTS_THREADS_PER_PAGE", "COMMENTS_MAX_DEPTH"])


@register.simple_tag(takes_context=True)
def article_comments(context):
    """The comment section of the article page (CommentSection)."""
    return CommentSection(context["request"], context["article"])


@register.filter(is_safe=True)
def comment_text(value):
    """Plain comment text as HTML: escaped, http(s) links with rel="nofollow ugc noopener", line breaks."""
    return render_comment_text(str(value))


def thread_items(comments, section):
    """`<li>` items of these comments and their `children`, for the article page's comment section.

    Built in Python rather than by a template included once per comment (the cost of a cold page).
    Every reader-written value is escaped (`escape`, as the templates escape); the text goes
    through render_comment_text.
    """
    words = {"pending": escape(gettext("Awaiting moderation")), "reply": escape(gettext("Reply"))}
    return mark_safe("".join(thread_item(comment, section, words) for comment in comments))


def comment_dates(moment):
    """`moment` as `date_format` gives it with "c" and "j E Y, H:i" (the day, the month's name in the
    active language, the year and the time), without reading the format again for every comment."""
    day = f"{moment.day} {MONTHS_ALT[moment.month]} {moment.year:04d}, {moment.hour:02d}:{moment.minute:02d}"
    return moment.isoformat(), day


def thread_item(comment, section, words):
    author = escape(comment.author_name)
    if comment.author_url:
        author = f'<a href="{escape(comment.author_url)}" rel="nofollow ugc noopener">{author}</a>'
    iso, day = comment_dates(template_localtime(comment.created_at))
    text = render_comment_text(str(comment.body))
    pending = comment.is_pending
    status = f'\n      <em class="comment__status">{words["pending"]}</em>' if pending else ""
    reply = ""
    if section.allowed and comment.is_answerable:
        reply = (
            f'\n      <a class="comment__reply" href="?replytocom={comment.pk}#comment-form" rel="nofollow">'
            f"{words['reply']}</a>"
        )
    replies = ""
    if comment.children:
        replies = (
            f'\n  <ol class="comment__replies">\n      {thread_items(comment.children, section)}\n    </ol>'
        )
    return (
        f'\n<li class="comment{" comment--pending" if pending else ""}" id="comment-{comment.pk}">\n'
        '  <article class="comment__content">\n'
        f'    <header class="comment__meta">\n      <span class="comment__author">{author}</span>\n'
        f'      <a class="comment__permalink" href="{escape(section.article_url)}#comment-{comment.pk}">'
        f'<time datetime="{escape(iso)}">{escape(day)}</time></a>{status}\n'
        f'    </header>\n    <div class="comment__text">{text}</div>{reply}\n'
        f"  </article>{replies}\n</li>\n"
    )
