"""Writes on comments: posting one, and the moderators' decisions (kept in the admin history and the audit
log, whoever makes them: the admin's actions and buttons, a command, the shell); who the moderators are."""

from django.conf import settings
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ops.audit import audit
from outbox.models import Letter
from outbox.services import letter_send
from sitecache import changed

from .models import Comment, DiscussionSettings, hash_ip
from .moderation import comment_status_decide

# Who moderates: the users with this permission, given directly, through a group, or as superusers.
MODERATE_PERMISSION = ("comments", "moderate_comment")


@transaction.atomic
def comment_create(
    *,
    article,
    author_name: str,
    author_email: str,
    body: str,
    author_url: str = "",
    parent: Comment | None = None,
    ip: str,
    user_agent: str = "",
    honeypot_filled: bool = False,
    seconds_to_post: float,
    discussion: DiscussionSettings | None = None,
) -> Comment:
    """Validate and store a comment with the status moderation gives it; tell editors if it waits."""
    discussion = discussion or DiscussionSettings.load()
    comment = Comment(
        article=article,
        parent=parent,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        ip_hash=hash_ip(ip),
        user_agent="".join(ch for ch in user_agent if ch.isprintable())[:300],
    )
    comment.full_clean()
    comment.status = comment_status_decide(
        comment=comment,
        discussion=discussion,
        honeypot_filled=honeypot_filled,
        seconds_to_post=seconds_to_post,
    )
    if comment.status == Comment.Status.APPROVED:
        comment.approved_at = timezone.now()
    comment.save()  # an approved one refreshes the page cache through comments/signals.py
    if comment.status == Comment.Status.PENDING and discussion.notify_editors:
        comment_notify_editors(comment=comment)  # queued with the comment; a worker sends it
    return comment


def _comments_set_status(*, comments, moderator, status) -> int:
    """Move `comments` to `status`, logged in the admin history under `moderator`; return how many moved."""
    changed_comments = list(comments.exclude(status=status))
    if not changed_comments:
        return 0
    with transaction.atomic():
        Comment.objects.filter(pk__in=[c.pk for c in changed_comments]).update(
            status=status, approved_at=timezone.now() if status == Comment.Status.APPROVED else None
        )
        LogEntry.objects.log_actions(
            moderator.pk, changed_comments, CHANGE, [{"changed": {"fields": ["status"]}}]
        )
        changed(*{f"comments:{comment.article_id}" for comment in changed_comments})
        numbers = ", ".join(f"#{comment.pk}" for comment in changed_comments)
        audit("comments_moderated", by=moderator, detail=f"{status}: {numbers}")
    return len(changed_comments)


def comments_approve(*, comments, moderator) -> int:
    return _comments_set_status(comments=comments, moderator=moderator, status=Comment.Status.APPROVED)


def comments_reject(*, comments, moderator) -> int:
    return _comments_set_status(comments=comments, moderator=moderator, status=Comment.Status.REJECTED)


def comments_mark_spam(*, comments, moderator) -> int:
    return _comments_set_status(comments=comments, moderator=moderator, status=Comment.Status.SPAM)


@transaction.atomic
def comment_delete(*, comment, moderator) -> bool:
    """Delete one comment without replies, logged in the admin history; False if it was gone already.

    A comment with replies is refused (ValidationError): deleting it would take the replies along, which
    the admin's own delete page lists before anyone confirms.
    """
    comment = Comment.objects.select_for_update().filter(pk=comment.pk).first()
    if comment is None:
        return False
    if comment.replies.exists():
        raise ValidationError(
            _("This comment has replies: delete it from its page, which lists the replies that go with it."),
            code="has_replies",
        )
    LogEntry.objects.log_actions(moderator.pk, [comment], DELETION)
    audit("comments_moderated", by=moderator, detail=f"deleted: #{comment.pk}")
    comment.delete()  # the pages showing it are refreshed through comments/signals.py
    return True


def moderators():
    """The active users who may moderate comments: with the permission directly, through any group (by
    whatever name), or as superusers."""
    app_label, codename = MODERATE_PERMISSION
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    granted = (
        Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission)
    )
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(pk__in=users.filter(granted).values("pk"))


def moderator_emails():
    """EDITORS_EMAILS plus the addresses of the active moderators (moderators()), each once."""
    users = moderators().exclude(email="").values_list("email", flat=True)
    emails = {}
    for email in [*settings.EDITORS_EMAILS, *users]:
        emails.setdefault(email.lower(), email)
    return sorted(emails.values())


def comment_notify_editors(*, comment) -> Letter | None:
    """Queue one letter telling the moderators that `comment` waits, with links into the admin queue."""
    recipients = moderator_emails()
    if not recipients:
        return None
    queue_url = settings.SITE_URL + reverse("admin:comments_comment_changelist") + "?status=pending"
    context = {
        "comment": comment,
        "article": comment.article,
        "queue_url": queue_url,
        "change_url": settings.SITE_URL + reverse("admin:comments_comment_change", args=[comment.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("comments/email/pending_subject.txt", context)
        body = render_to_string("comments/email/pending_body.txt", context)
    return letter_send(
        to=recipients,
        subject=subject,
        body=body,
        kind=Letter.Kind.COMMENT_PENDING,
        language=settings.LANGUAGE_CODE,
        about=comment,
        key=f"comment-pending:{comment.pk}",
    )
