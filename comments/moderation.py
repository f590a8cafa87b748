"""Moderation policy: the only place that decides whether comments are allowed and what status they get.

Views, services and the admin ask these functions; none of them sets a new comment's status itself.
"""

from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _, ngettext_lazy

from articles.models import Article

from .models import Comment, DiscussionSettings, hash_ip
from .text import find_urls


def comments_allowed(
    article: Article, discussion: DiscussionSettings, now: datetime | None = None
) -> tuple[bool, str | Promise]:
    """Return (allowed, reason): may a reader post a comment under `article` now?

    Print-first articles take comments like any other; only the switches below close them.
    """
    now = now or timezone.now()
    if not discussion.comments_enabled:
        return False, _("Comments are closed on this site for now.")
    if not article.is_published(now):
        return False, _("Comments open when the article is published.")
    if not article.comments_open:
        return False, _("Comments are closed for this article.")
    days = discussion.close_after_days
    # is_published() above means publish_at is set; the check is for the type checker.
    if days and article.publish_at is not None and article.publish_at < now - timedelta(days=days):
        message = ngettext_lazy(
            "Comments close %(days)d day after publication.",
            "Comments close %(days)d days after publication.",
            "days",
        )
        return False, message % {"days": days}
    return True, ""


def next_closing(now: datetime) -> datetime | None:
    """When the next published article's comments close by age (close_after_days), or None."""
    # Not through load(): this runs while the content version that load() keeps it under is computed.
    discussion = DiscussionSettings.from_database()
    days = discussion.close_after_days
    if not discussion.comments_enabled or not days:
        return None
    oldest_open = (
        Article.objects.published(now)
        .filter(comments_open=True, publish_at__gt=now - timedelta(days=days))
        .aggregate(moment=Min("publish_at"))["moment"]
    )
    return oldest_open + timedelta(days=days) if oldest_open else None


def closing_topics(start: datetime, end: datetime) -> list[str]:
    """The comment sections whose comments closed by age between `start` and `end` (cache topics)."""
    days = DiscussionSettings.from_database().close_after_days
    if not days:
        return []
    published = Article.objects.filter(
        publish_at__gte=start - timedelta(days=days), publish_at__lte=end - timedelta(days=days)
    )
    return [f"comments:{pk}" for pk in published.values_list("pk", flat=True)]


def is_blocked(comment: Comment, discussion: DiscussionSettings) -> bool:
    """True when the comment contains a blocked word or comes from a blocked email or address."""
    email = comment.author_email.lower()
    for entry in discussion.entries("blocked_emails"):
        if email == entry or (entry.startswith("@") and email.endswith(entry)):
            return True
    if comment.ip_hash and comment.ip_hash in {hash_ip(ip) for ip in discussion.entries("blocked_ips")}:
        return True
    haystack = " ".join([comment.author_name, email, comment.author_url, comment.body]).lower()
    return any(word in haystack for word in discussion.entries("blocked_words"))


def comment_status_decide(
    *, comment: Comment, discussion: DiscussionSettings, honeypot_filled: bool, seconds_to_post: float
) -> Comment.Status:
    """Return the status a new comment starts with: spam, pending or approved."""
    # Robot signs first: they are certain, and a robot must not learn which words are blocked.
    if honeypot_filled or seconds_to_post < discussion.min_seconds_to_post:
        return Comment.Status.SPAM
    if is_blocked(comment, discussion):
        return Comment.Status.SPAM
    if len(find_urls(comment.body)) > discussion.max_links:
        return Comment.Status.PENDING
    if discussion.moderation == DiscussionSettings.Moderation.APPROVE_KNOWN:
        known = Comment.objects.approved().filter(author_email=comment.author_email.lower()).exists()
        if known:
            return Comment.Status.APPROVED
    return Comment.Status.PENDING
