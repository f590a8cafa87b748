"""The article: its fields, its states of publication and access, its language versions, and the columns
its cards and search read."""

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from images.processing import CleanImageField, UploadTo
from issues.models import CoverFocalPoint, Issue, Section, TimeStampedModel
from issues.slugs import unique_slug
from sitecache import RowsShownInCache

from ..embargo import opening_moment
from ..tagging import ArticleTagManager
from .embargo_settings import EmbargoSettings
from .people import Author
from .publication import ArticleQuerySet


class Article(RowsShownInCache, CoverFocalPoint, TimeStampedModel):
    cache_topic = "article"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Access(models.TextChoices):
        FREE = "free", _("Free: the whole text online")
        PRINT_FIRST = "print_first", _("Print-first: an excerpt online, the rest in print")

    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("Leave empty for a web-only piece."),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    position = models.PositiveSmallIntegerField(
        _("position in the issue"), default=0, help_text=_("Order in the issue's table of contents.")
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE, db_index=True
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        help_text=_("The original article this one translates."),
    )
    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Made from the title when left empty."),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences shown in lists and previews.")
    )
    authors = models.ManyToManyField(Author, verbose_name=_("authors"), blank=True, related_name="articles")
    interviewee = models.ForeignKey(
        Author,
        verbose_name=_("interviewee (person)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        help_text=_("Links the interview to the person's page; the name below is filled from it when empty."),
    )
    interviewee_name = models.CharField(_("interviewee"), max_length=200, blank=True)
    interviewee_position = models.CharField(_("interviewee's position"), max_length=300, blank=True)
    cover = CleanImageField(
        _("cover image"),
        upload_to=UploadTo("articles"),
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(_("cover description"), max_length=250, blank=True)
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    cover_credit = models.CharField(_("cover credit"), max_length=200, blank=True)
    tags = TaggableManager(_("tags"), blank=True, manager=ArticleTagManager)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Empty means now, when the status is Published.")
    )
    access = models.CharField(_("access"), max_length=20, choices=Access, default=Access.FREE)
    public_block_count = models.PositiveSmallIntegerField(
        _("public blocks"),
        default=2,
        help_text=_("For print-first articles: how many blocks, from the top, are public online."),
    )
    paywall_note = models.TextField(
        _("paywall note"),
        blank=True,
        help_text=_("Replaces the standard invitation to read the printed issue."),
    )
    is_sponsored = models.BooleanField(_("sponsored (PR)"), default=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    # When a print-first article opens to everyone (articles.embargo); None: not (yet) known, or never.
    opens_at = models.DateTimeField(_("opens to everyone at"), null=True, blank=True, editable=False)
    # Kept up to date by articles.search.index.search_index_update(): the public excerpt (what anyone may read
    # before the embargo ends) and, for print-first articles, the whole text, which search shows only
    # once `opens_at` has passed. The vectors are filled and GIN-indexed on PostgreSQL only.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    full_search_text = models.TextField(_("whole search text"), blank=True, editable=False)
    full_search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_status_publish"),
            models.Index(fields=["issue", "position"], name="article_issue_position"),
            models.Index(
                fields=["-publish_at"], name="article_sponsored_publish", condition=Q(is_sponsored=True)
            ),
            models.Index(fields=["opens_at"], name="article_opens", condition=Q(access="print_first")),
            # A section's list (issues.views.section_detail) is chosen and counted from this index
            # alone: its key columns are every column the list's filters and order read.
            models.Index(
                fields=["section", "language", "-publish_at", "-id", "issue", "translation_of"],
                name="article_section_language",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.translation_of_id:
            original = self.translation_of
            if original.pk == self.pk or original.translation_of_id:
                raise ValidationError(
                    {"translation_of": _("Choose the original article, not itself or another translation.")}
                )
            if original.language == self.language:
                raise ValidationError({"translation_of": _("A translation must be in another language.")})
        self.fill_defaults()

    def save(self, *args, **kwargs):
        self.fill_defaults()
        self.opens_at = opening_moment(
            publish_at=self.publish_at,
            issue=self.issue if self.issue_id else None,
            site_days=EmbargoSettings.from_database().open_after_days,
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"publish_at", "issue", "issue_id"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "opens_at"}
        super().save(*args, **kwargs)

    def fill_defaults(self):
        """A slug from the title, 'now' as the publish time of an article published without one, and the
        interviewee's name and position from the linked person where they are empty."""
        if self.interviewee_id and not self.interviewee_name.strip():
            self.interviewee_name = self.interviewee.name
        if self.interviewee_id and not self.interviewee_position.strip():
            self.interviewee_position = self.interviewee.position
        if not self.slug:
            self.slug = unique_slug(self.title, Article.objects.exclude(pk=self.pk), max_length=200)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()

    def is_published(self, now: datetime | None = None) -> bool:
        """Mirror of ArticleQuerySet.published() for one loaded article."""
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
            and (self.issue is None or self.issue.is_published)
        )

    is_published.boolean = True  # type: ignore[attr-defined]  # the admin's check-mark column

    def publication_state(self, now: datetime | None = None) -> str:
        """ "live", "scheduled", "waiting" (for its issue) or "draft": published() and scheduled() agree."""
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or self.publish_at is None:
            return "draft"
        if self.publish_at > now:
            return "scheduled"
        if self.issue is not None and not self.issue.is_published:
            return "waiting"
        return "live"

    def versions(self):
        """Every version of this article (the original and its translations), this one included."""
        root = self.translation_of_id or self.pk
        return Article.objects.filter(Q(pk=root) | Q(translation_of=root))

    @property
    def is_print_first(self):
        return self.access == self.Access.PRINT_FIRST

    @property
    def is_interview(self):
        return bool(self.interviewee_name)
