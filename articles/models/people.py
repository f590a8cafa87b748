"""People: the writers and interviewees of the magazine (`Author`), and the old addresses of people merged
into another (`AuthorAlias`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy as _, pgettext_lazy

from images.processing import CleanImageField, UploadTo
from issues.models import translated
from issues.slugs import unique_slug
from sitecache import RowsShownInCache


class AuthorQuerySet(models.QuerySet):
    def public(self, now=None):
        """The people a reader may meet: an author or the interviewee of at least one published article."""
        from .article import Article  # the article's module imports this one

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
