"""An article's blocks: text, question, answer, quote, image, in their order."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from images.processing import CleanImageField, UploadTo
from richtext.sanitize import RichTextField

from .article import Article


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
