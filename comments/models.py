from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext, pgettext_lazy

from articles.models import Article
from issues import shell
from issues.models import SettingsRow, TimeStampedModel
from issues.prepared import Prepared


def hash_ip(ip):
    """The only form in which a commenter's address is stored: HMAC-SHA256 keyed from SECRET_KEY."""
    return salted_hmac("comments.ip", ip, algorithm="sha256").hexdigest()


def validate_body_length(value):
    limit = settings.COMMENTS_MAX_LENGTH
    if len(value) > limit:
        raise ValidationError(
            ngettext(
                "Your comment is too long: %(length)d characters; the limit is %(limit)d character.",
                "Your comment is too long: %(length)d characters; the limit is %(limit)d characters.",
                limit,
            ),
            code="too_long",
            params={"length": len(value), "limit": limit},
        )


class DiscussionSettings(SettingsRow):
    """The site's comment policy, one row that editors change in the admin without a deploy."""

    cache_name = "discussion-settings"

    @classmethod
    def load(cls):
        """The settings (read with the shell's other rows: every article page asks), or defaults."""
        return next(iter(shell.rows("discussion-settings")), None) or cls(pk=1)

    class Moderation(models.TextChoices):
        HOLD_ALL = "hold_all", _("Hold every comment for moderation")
        APPROVE_KNOWN = "approve_known", _("Approve authors who already have an approved comment")

    comments_enabled = models.BooleanField(
        _("comments enabled"),
        default=True,
        help_text=_("Untick to close comments on the whole site; approved comments stay visible."),
    )
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation, default=Moderation.HOLD_ALL
    )
    max_links = models.PositiveSmallIntegerField(
        _("links allowed"),
        default=2,
        help_text=_("A comment with more links than this waits for moderation."),
    )
    blocked_words = models.TextField(
        _("blocked words"),
        blank=True,
        help_text=_(
            "One per line. A comment whose text, name, email or website contains one is marked as spam."
        ),
    )
    blocked_emails = models.TextField(
        _("blocked emails"),
        blank=True,
        help_text=_("One per line: an address, or @domain.tld for a whole domain. Marked as spam."),
    )
    blocked_ips = models.TextField(
        _("blocked IP addresses"),
        blank=True,
        help_text=_(
            "One exact address per line. Ranges cannot work, because addresses are stored only as hashes."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        default=0,
        help_text=_("Close comments on articles published more than this many days ago; 0 never closes."),
    )
    min_seconds_to_post = models.PositiveSmallIntegerField(
        _("minimum seconds to post"),
        default=3,
        help_text=_(
            "A form sent sooner than this after the page was shown is marked as spam; 0 turns it off."
        ),
    )
    notify_editors = models.BooleanField(
        _("email editors"),
        default=True,
        help_text=_("Email the editors and moderators about each comment that waits for moderation."),
    )

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="discussion_settings_singleton")]

    def __str__(self):
        return str(_("Discussion settings"))

    def entries(self, field):
        """The non-empty lines of a block list (`blocked_words` …), lower-cased."""
        return [line.strip().lower() for line in getattr(self, field).splitlines() if line.strip()]


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def for_page(self, *, own_ids=()):
        """What one browser sees: approved comments, plus its own that still wait (ids from its session)."""
        visible = Q(status=Comment.Status.APPROVED)
        if own_ids:
            visible |= Q(pk__in=own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
        return self.filter(visible)


class Comment(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    author_name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    author_email = models.EmailField(_("email"))
    author_url = models.URLField(
        _("website"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    body = models.TextField(_("comment"), validators=[validate_body_length])
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True, editable=False)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, reject and mark comments as spam"))]
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
            models.Index(fields=["author_email", "status"], name="comment_author_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self):
        return f"{self.author_name}: {Truncator(self.body).chars(60)}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def clean_fields(self, exclude=None):
        # Lower-case before the field's validators run, so the address checked is the one stored:
        # lower-casing can lengthen it ("İ" becomes "i" and a combining dot) past 254 or a label past 63.
        self.author_email = self.author_email.strip().lower()
        super().clean_fields(exclude)

    def clean(self):
        if self._state.adding:
            self.depth = self.parent.depth + 1 if self.parent_id else 0
            if self.parent_id:
                self.clean_parent()

    def clean_parent(self):
        """A reply answers an approved comment of the same article, within the allowed depth."""
        parent = self.parent
        if parent.article_id != self.article_id or parent.status != self.Status.APPROVED:
            raise ValidationError(
                {"parent": _("The comment you are replying to cannot be answered.")}, code="parent"
            )
        if not parent.is_answerable:
            raise ValidationError(
                {"parent": _("Replies cannot be nested any deeper; answer the comment above instead.")},
                code="depth",
            )

    @property
    def is_answerable(self):
        """Approved, and a reply to it would still be within COMMENTS_MAX_DEPTH levels."""
        return self.status == self.Status.APPROVED and self.depth + 1 < settings.COMMENTS_MAX_DEPTH

    @property
    def is_pending(self):
        """Not (yet) approved: shown only to its author's browser, as awaiting moderation."""
        return self.status != self.Status.APPROVED


DISCUSSION_SETTINGS = Prepared(lambda now: DiscussionSettings.objects.filter(pk=1).order_by("pk")[:1])
