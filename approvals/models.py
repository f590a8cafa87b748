from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleBlock
from issues.models import TimeStampedModel


class ApprovalQuerySet(models.QuerySet):
    def answered(self):
        return self.filter(status__in=[self.model.Status.APPROVED, self.model.Status.APPROVED_WITH_CHANGES])


class Approval(TimeStampedModel):
    """One approval link sent to an interviewee: the text they were asked to approve, and their answer."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the interviewee")
        APPROVED = "approved", _("Approved as it is")
        APPROVED_WITH_CHANGES = "approved_with_changes", _("Approved with changes")
        REVOKED = "revoked", _("Link withdrawn")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="approvals"
    )
    interviewee_name = models.CharField(_("interviewee"), max_length=200)
    email = models.EmailField(_("interviewee's email"), max_length=254)
    language = models.CharField(
        _("language of the letter and the page"), max_length=5, choices=settings.LANGUAGES
    )
    message = models.TextField(_("message to the interviewee"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("link valid until"))
    status = models.CharField(_("status"), max_length=30, choices=Status, default=Status.WAITING)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    comment = models.TextField(_("the interviewee's comment"), blank=True)
    # The admin form's one-time key: the same form posted twice (a double click) sends one letter.
    form_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("approval link")
        verbose_name_plural = _("approval links")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["approved", "approved_with_changes"], answered_at__isnull=False)
                | Q(status__in=["waiting", "revoked"], answered_at__isnull=True),
                name="approval_answered_when_approved",
            ),
        ]

    def __str__(self):
        return str(
            _("Approval of “%(title)s” by %(name)s") % {"title": self.article, "name": self.interviewee_name}
        )

    def is_expired(self, now=None):
        return self.status == self.Status.WAITING and self.expires_at <= (now or timezone.now())

    @property
    def is_answered(self):
        return self.answered_at is not None


class Proposal(models.Model):
    """A change to one block that the interviewee proposed, and the editor's decision on it."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("To decide")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    approval = models.ForeignKey(
        Approval, verbose_name=_("approval link"), on_delete=models.CASCADE, related_name="proposals"
    )
    # Kept when the block goes (a restore makes new blocks): the proposal is then only a record.
    block = models.ForeignKey(
        ArticleBlock,
        verbose_name=_("block"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    block_number = models.PositiveSmallIntegerField(_("block number"))
    block_kind = models.CharField(_("kind of block"), max_length=20, choices=ArticleBlock.Kind)
    original = models.TextField(_("text the interviewee read"), blank=True)
    proposed = models.TextField(_("text the interviewee proposes"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["approval", "id"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self):
        return f"{self.block_label}: {self.get_decision_display()}"

    @property
    def block_label(self):
        return f"{self.get_block_kind_display()} {self.block_number}"

    @property
    def changes_text(self):
        return self.proposed != self.original
