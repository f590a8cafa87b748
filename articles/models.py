from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, Min, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _, pgettext_lazy
from taggit.managers import TaggableManager

from images.processing import CleanImageField, UploadTo
from issues.models import CoverFocalPoint, Issue, Section, SettingsRow, TimeStampedModel, translated
from issues.slugs import unique_slug
from richtext.sanitize import RichTextField
from sitecache import RowsShownInCache

from .embargo import opening_moment, openings_update
from .tagging import ArticleTagManager


class AuthorQuerySet(models.QuerySet):
    def public(self, now=None):
        """The people a reader may meet: an author or the interviewee of at least one published article."""
        published = Article.objects.published(now)
        return self.filter(Q(pk__in=published.values("authors")) | Q(pk__in=published.values("interviewee")))


class Author(RowsShownInCache, models.Model):
    """A person: an author of articles, an interviewee, or both (one person, one page)."""

    cache_topic = "person"

    name = models.CharField(pgettext_lazy("person", "name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    position = models.CharField(pgettext_lazy("job", "position"), max_length=300, blank=True)
    photo = CleanImageField(
        _("photo"),
        upload_to=UploadTo("people"),
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=250,
        blank=True,
        help_text=_("For readers who cannot see the photo."),
    )
    bio = models.TextField(_("short bio"), blank=True)
    bio_ru = models.TextField(_("short bio (Russian)"), blank=True)
    bio_en = models.TextField(_("short bio (English)"), blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A name pasted or imported with spaces around it would print as "Karimov , Chegara" in bylines.
        self.name = self.name.strip()
        if not self.slug:
            self.slug = self.free_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})

    def free_slug(self):
        """A slug from the name that no other person has, nor had before being merged into someone."""
        return unique_slug(self.name, Author.objects.exclude(pk=self.pk), also=[AuthorAlias.objects.all()])

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": _("Describe the photo for readers who cannot see it.")})

    @property
    def bio_display(self):
        return translated(self, "bio")

    @property
    def bio_language(self):
        """The language `bio_display` is written in: the reader's, or Uzbek where no translation exists."""
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        if language != settings.LANGUAGE_CODE and getattr(self, f"bio_{language}", ""):
            return language
        return settings.LANGUAGE_CODE


class AuthorAlias(models.Model):
    """The slug of a person merged into another: its old page redirects to the kept person's."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    person = models.ForeignKey(
        Author, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        verbose_name = _("former address of a person")
        verbose_name_plural = _("former addresses of people")

    def __str__(self):
        return self.slug


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime | None = None) -> Self:
        """What a reader may see: published, publish time passed, issue (if any) published."""
        return self.filter(
            Q(issue__isnull=True) | Q(issue__is_published=True),
            status=self.model.Status.PUBLISHED,
            publish_at__lte=now or timezone.now(),
        )

    def for_listing(self) -> Self:
        """The joins every list of articles needs, so a list costs the same for 3 or 60 rows.

        The search columns (the indexed texts and their vectors) are left behind: no list shows them.
        """
        return (
            self.select_related("issue", "section", "interviewee")
            .prefetch_related("tags", "authors")
            .defer(*SEARCH_COLUMNS)
        )

    def for_cards(self, *, with_issue=True):
        """What an article card shows (articles.cards) in one query, as values: the card's columns,
        its interviewee's address and its issue's label (`with_issue`: not in a table of contents).
        The rows are dicts, not Article rows (half the cost of a list of 90 cards): the cards record
        `article:<pk>` for each. They load the authors of the whole list in one more query; the
        section comes from `Section.menu()`."""
        columns = [*CARD_COLUMNS]
        if with_issue:
            columns += ISSUE_COLUMNS
        return self.values(*columns)

    def for_language(self, language):
        """One version of each article for a reader of `language`, that language's articles first
        (the same rule for rows already loaded: `versions_for_language`).

        An article whose published translation exists in `language` is replaced by that translation;
        an article with no version in `language` stays in the list, in its own language.
        """
        translated_roots = (
            self.model.objects.published()
            .filter(language=language, translation_of__isnull=False)
            .values("translation_of")
        )
        # Per row and through the primary key (not a list of every original in `language`, which
        # grows with the magazine); only translations are looked up.
        original_here = self.model.objects.published().filter(
            pk=OuterRef("translation_of"), language=language, translation_of__isnull=True
        )
        has_version_here = (
            Q(pk__in=translated_roots)
            | Q(translation_of__in=translated_roots)
            | (Q(translation_of__isnull=False) & Q(Exists(original_here)))
        )
        return self.exclude(~Q(language=language) & has_version_here).alias(
            other_language=Case(When(language=language, then=Value(0)), default=Value(1))
        )

    def scheduled(self, now: datetime | None = None) -> Self:
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def next_publication(self, now: datetime) -> datetime | None:
        """When the next scheduled article goes live, or None."""
        return self.scheduled(now).aggregate(moment=Min("publish_at"))["moment"]

    def next_opening(self, now):
        """When the next print-first article opens to everyone (its embargo ends), or None.

        A query of its own rather than a filtered aggregate beside next_publication: each is one
        range of its own index (the partial `article_opens`, and status-then-publish_at).
        """
        closed = self.filter(status=self.model.Status.PUBLISHED, access=self.model.Access.PRINT_FIRST)
        return closed.filter(opens_at__gt=now).aggregate(moment=Min("opens_at"))["moment"]

    def openings_refresh(self, issues, *, outside_issues=False):
        """Recompute `opens_at` of the articles of `issues` (and of those outside any issue): one
        UPDATE per issue. Called when an issue or the site's default changes."""
        site_days = EmbargoSettings.from_database().open_after_days
        for issue in issues:
            openings_update(self.filter(issue=issue), issue=issue, site_days=site_days)
        if outside_issues:
            openings_update(self.filter(issue__isnull=True), issue=None, site_days=site_days)


def versions_for_language(articles, language):
    """`for_language()` for articles already loaded: of each version group, the versions in
    `language` if it has any, else all of them; `language`'s first, then newest first."""
    groups = {}
    for article in articles:
        groups.setdefault(article.translation_of_id or article.pk, []).append(article)
    kept = [a for group in groups.values() for a in ([a for a in group if a.language == language] or group)]
    return sorted(kept, key=lambda a: (a.language != language, -a.publish_at.timestamp(), -a.pk))


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


SEARCH_COLUMNS = ("search_text", "search_vector", "full_search_text", "full_search_vector")
# What an article card reads (articles.cards: `for_cards()`).
CARD_COLUMNS = (
    "id",
    "title",
    "subtitle",
    "slug",
    "lead",
    "language",
    "is_sponsored",
    "access",
    "opens_at",
    "interviewee_id",
    "interviewee_name",
    "interviewee__slug",
    "issue_id",
    "section_id",
)
# The issue a full card links to (its label and address), by `for_cards(with_issue=True)`.
ISSUE_COLUMNS = ("issue__year", "issue__number_first", "issue__number_last")


class EmbargoSettings(SettingsRow):
    """When print-first articles open to everyone: one row editors change in the admin (articles.embargo)."""

    cache_name = "embargo-settings"

    open_after_days = models.PositiveIntegerField(
        _("open print-first articles after (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after the issue's publication date (or the article's publication, outside an issue) "
            "when print-first articles become free for everyone. Empty: they stay print-first. An issue "
            "may set its own delay, or never."
        ),
    )

    class Meta:
        verbose_name = _("embargo")
        verbose_name_plural = _("embargo")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="embargo_settings_singleton")]

    def __str__(self):
        return str(_("Embargo"))

    def save(self, *args, **kwargs):
        with transaction.atomic():  # every print-first article may open or close with the new default
            super().save(*args, **kwargs)
            following_default = Issue.objects.filter(embargo=Issue.Embargo.SITE_DEFAULT)
            Article.objects.openings_refresh(following_default, outside_issues=True)


class ArticleBlock(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        QUESTION = "question", _("Question")
        ANSWER = "answer", _("Answer")
        QUOTE = "quote", _("Quote")
        IMAGE = "image", _("Image")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="blocks"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TEXT)
    body = RichTextField(_("text"), blank=True)
    image = CleanImageField(
        _("image"),
        upload_to=UploadTo("blocks"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    caption = models.CharField(_("caption or attribution"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        indexes = [models.Index(fields=["article", "position"], name="block_article_position")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.position}"

    # Which of the optional fields each kind shows; the others are emptied when a block is checked.
    KIND_FIELDS = {
        Kind.TEXT: {"body"},
        Kind.QUESTION: {"body"},
        Kind.ANSWER: {"body"},
        Kind.QUOTE: {"body", "caption"},
        Kind.IMAGE: {"image", "image_alt", "caption"},
    }

    def clean(self):
        kept = self.KIND_FIELDS.get(self.kind, set())
        for name in ("body", "image", "image_alt", "caption"):
            if name not in kept:
                setattr(self, name, "")
        if self.kind == self.Kind.IMAGE:
            if not self.image:
                raise ValidationError({"image": _("An image block needs an image.")})
            if not self.image_alt.strip():
                raise ValidationError({"image_alt": _("Describe the image for readers who cannot see it.")})
        elif not (self.body or "").strip():
            raise ValidationError({"body": _("This block needs text.")})
