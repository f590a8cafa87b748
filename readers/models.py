from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import Issue, TimeStampedModel

from . import cached
from .feed_keys import feed_key_digest, feed_key_make


class ReadersCachedQuerySet(models.QuerySet):
    """A QuerySet whose update() drops the cached copies of the readers it touches (readers.cached)."""

    reader_field = "pk"  # where the reader's id is in these rows

    def update(self, **kwargs):
        pks = list(self.values_list(self.reader_field, flat=True))
        count = super().update(**kwargs)
        cached.forget(pks)
        return count


class ReaderQuerySet(ReadersCachedQuerySet):
    def with_email(self, email):
        """The reader with `email` (normalized), whatever its case; served by the unique index."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


class Reader(TimeStampedModel):
    """Someone who reads on the site with an account: no password, never staff, never in the admin.

    A reader signs in with a link or a code sent to the address (readers.signin); the session holds
    the reader's id and `session_generation`, so raising the generation signs out every device.
    """

    # Stored normalized (readers.addresses.reader_email): trimmed, lower-cased, the domain IDNA-encoded.
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    verified_at = models.DateTimeField(
        _("address verified at"),
        null=True,
        blank=True,
        help_text=_("When the reader first signed in with a letter sent to this address."),
    )
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    session_generation = models.PositiveIntegerField(_("session generation"), default=0, editable=False)
    # The secret of the reader's personal feed address (readers.feed_keys): found by its digest.
    feed_key = models.CharField(_("feed key"), max_length=64, default=feed_key_make, editable=False)
    feed_key_digest = models.CharField(_("feed key digest"), max_length=64, unique=True, editable=False)
    feed_key_created_at = models.DateTimeField(
        _("feed address made at"), default=timezone.now, editable=False
    )

    objects = ReaderQuerySet.as_manager()

    # Like request.user: code asks `reader.is_authenticated` whether someone is signed in.
    is_authenticated = True
    is_anonymous = False

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reader")
        verbose_name_plural = _("readers")
        constraints = [models.UniqueConstraint(Lower("email"), name="reader_unique_email")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.feed_key_digest = feed_key_digest(self.feed_key)
        super().save(*args, **kwargs)


class AnonymousReader:
    """`request.reader` when nobody is signed in as a reader."""

    pk = id = None
    email = ""
    is_authenticated = False
    is_anonymous = True

    def __str__(self):
        return "AnonymousReader"

    def __eq__(self, other):
        return isinstance(other, AnonymousReader)

    def __hash__(self):
        return 1


class SignInToken(models.Model):
    """One sign-in letter's link and code, stored only as digests; deleted when used or expired.

    Rows exist for addresses with no reader yet: the first sign-in creates the reader, so a letter goes
    out whether the address is known or not, and the answer cannot tell them apart.
    """

    email = models.EmailField(_("email"), max_length=254, db_index=True)
    link_digest = models.CharField(_("link digest"), max_length=64, unique=True)
    code_digest = models.CharField(_("code digest"), max_length=64)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    next_path = models.CharField(_("page to return to"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in letter")
        verbose_name_plural = _("sign-in letters")

    def __str__(self):
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"


class AccessGrantQuerySet(ReadersCachedQuerySet):
    reader_field = "reader_id"

    def live(self, now=None):
        """Grants in force at `now`: started, not ended, not revoked (no cron job: compared at query time)."""
        now = now or timezone.now()
        return self.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now, revoked_at__isnull=True
        )

    def current_or_coming(self, now=None):
        """Grants not yet over and not revoked: in force now or starting later."""
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), revoked_at__isnull=True)

    def covering(self, issue_id):
        """Grants that reach the articles of issue `issue_id` (None: an article outside any issue)."""
        everything = Q(scope=AccessGrant.Scope.EVERYTHING)
        if issue_id is None:
            return self.filter(everything)
        return self.filter(everything | Q(issues=issue_id)).distinct()

    def longest_first(self):
        """Open-ended grants first, then the one that ends last: the one worth naming to the reader.

        AccessGrant.longest_first_key is the same order for grants in memory.
        """
        return self.order_by(F("ends_at").desc(nulls_first=True), "-starts_at", "-id")


class AccessGrant(TimeStampedModel):
    """The right of one reader to read the whole text of print-first articles, for a period.

    The paywall asks readers.access.may_read_full(), which is the only code that reads grants.
    """

    class Scope(models.TextChoices):
        EVERYTHING = "everything", _("Everything")
        ISSUES = "issues", _("The chosen issues")

    class Reason(models.TextChoices):
        PRINT_SUBSCRIPTION = "print_subscription", _("Print subscription")
        COMPLIMENTARY = "complimentary", _("Complimentary")
        CODE = "code", _("Code from an issue")
        INSTITUTION = "institution", _("Institution")

    reader = models.ForeignKey(
        Reader, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="grants"
    )
    scope = models.CharField(_("what"), max_length=20, choices=Scope, default=Scope.EVERYTHING)
    issues = models.ManyToManyField(
        Issue,
        verbose_name=_("issues"),
        blank=True,
        related_name="access_grants",
        help_text=_("For “The chosen issues”: the issues whose print-first articles the reader may read."),
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: no end."))
    reason = models.CharField(_("why"), max_length=40, choices=Reason, default=Reason.COMPLIMENTARY)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The way in that made the grant, when it was not a staff member: a print subscription, a code
    # or an institution (their models come with the ways in); revoking that revokes its grants.
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    source = GenericForeignKey("source_type", "source_id")
    note = models.TextField(_("note"), blank=True, help_text=_("For the staff only; readers never see it."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="access_grant_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["reader", "revoked_at", "ends_at"], name="access_grant_reader_live")]

    def __str__(self):
        return f"{self.get_reason_display()} #{self.pk}" if self.pk else str(self.get_reason_display())

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError(
                {"ends_at": _("The end must come after the start.")}, code="ends_before_start"
            )

    def longest_first_key(self):
        """Sort key (ascending) of AccessGrantQuerySet.longest_first() for grants in memory."""
        ends = self.ends_at.timestamp() if self.ends_at is not None else float("inf")
        return (-ends, -self.starts_at.timestamp(), -(self.pk or 0))

    def with_issue_ids(self):
        """This grant with `issue_ids`, the set of its issues' ids (from a prefetch when there is one),
        and without the prefetched issues themselves: it is kept small in the cache."""
        self.issue_ids = frozenset(issue.pk for issue in self.issues.all())
        self.__dict__.pop("_prefetched_objects_cache", None)
        return self

    def covers(self, issue_id):
        """Mirror of AccessGrantQuerySet.covering() for one grant with `issue_ids`."""
        return self.scope == self.Scope.EVERYTHING or (issue_id is not None and issue_id in self.issue_ids)

    def is_live(self, now=None):
        """Mirror of AccessGrantQuerySet.live() for one grant."""
        now = now or timezone.now()
        return (
            self.revoked_at is None and self.starts_at <= now and (self.ends_at is None or self.ends_at > now)
        )
