from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security-relevant event of a staff account, or one editorial write (publishing, restoring,
    moderating, approving, announcing, granting access); written by staff/audit.py, read by superusers."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Locked out")
        SIGN_OUT = "sign_out", _("Signed out")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        SESSION_ENDED = "session_ended", _("Session ended")
        FACTOR_ADDED = "factor_added", _("Second factor added")
        FACTOR_REMOVED = "factor_removed", _("Second factor removed")
        FACTOR_RESET = "factor_reset", _("Second factors reset")
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("Recovery codes issued")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ROLE_CHANGED = "role_changed", _("Role changed")
        DOWNLOAD = "download", _("Sensitive download")
        # Editorial writes, whoever made them (admin, command, task, shell): sent through ops.audit.
        ARTICLE_PUBLISHED = "article_published", _("Article published")
        REVISION_RESTORED = "revision_restored", _("Revision restored")
        COMMENTS_MODERATED = "comments_moderated", _("Comments moderated")
        INTERVIEW_APPROVED = "interview_approved", _("Interview approved by the interviewee")
        ISSUE_ANNOUNCED = "issue_announced", _("Issue announced")
        ACCESS_GRANTED = "access_granted", _("Access granted")
        ACCESS_REVOKED = "access_revoked", _("Access revoked")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=Kind, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("done by (name)"), max_length=150, blank=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class StaffSession(models.Model):
    """A signed-in staff session, so that the admin can list and end it (the session store cannot)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_sessions",
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    is_verified = models.BooleanField(_("second factor given"), default=False)

    class Meta:
        ordering = ["-last_seen_at"]
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")

    def __str__(self):
        return f"{self.user} · {self.ip} · {self.last_seen_at:%Y-%m-%d %H:%M}"
