"""Import from Word in the admin: upload a .docx, check the split into blocks, then save it.

Two steps and nothing saved in between: the preview form carries the blocks (text in hidden fields,
images as signed names of files already checked and stored), so the editor fixes kinds, joins or
leaves out blocks, and confirms. Confirming creates a draft article (or appends to an existing one).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.forms import formset_factory
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from images.processing import rendition_name, store_image
from issues.models import Issue

from .models import Article, ArticleBlock
from .services import article_import_blocks
from .word_import import read_word_document

IMAGE_SALT = "articles.word-import.image"
IMAGE_MAX_AGE = 24 * 3600  # a preview left open overnight still confirms
Kind = ArticleBlock.Kind


class WordUploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Word document (.docx)"),
        help_text=gettext_lazy(
            "Questions are the bold paragraphs and those that start with a dash, “Q:”, “Savol:” or "
            "“Вопрос:”; the paragraphs after a question are its answer. Nothing is saved before you "
            "confirm the preview."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    interviewee_name = forms.CharField(label=gettext_lazy("Interviewee"), max_length=200, required=False)
    issue = forms.ModelChoiceField(Issue.objects.all(), label=gettext_lazy("Issue"), required=False)

    def __init__(self, *args, admin_site, into=None, **kwargs):
        super().__init__(*args, **kwargs)
        if into is not None:  # blocks for an existing article: its own fields stay as they are
            del self.fields["interviewee_name"], self.fields["issue"]
        else:
            issue = self.fields["issue"]
            issue.widget = AutocompleteSelect(Article._meta.get_field("issue"), admin_site)
            issue.widget.choices = issue.choices

    def clean_document(self):
        document = self.cleaned_data["document"]
        self.imported = read_word_document(document)
        return document


class ImportedArticleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    subtitle = forms.CharField(label=gettext_lazy("Subtitle"), max_length=300, required=False)
    interviewee_name = forms.CharField(label=gettext_lazy("Interviewee"), max_length=200, required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    issue = forms.ModelChoiceField(Issue.objects.all(), required=False, widget=forms.HiddenInput)


class ImportedBlockForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    body = forms.CharField(widget=forms.HiddenInput, required=False)
    image = forms.CharField(widget=forms.HiddenInput, required=False)
    image_alt = forms.CharField(label=gettext_lazy("Image description"), max_length=250, required=False)
    join = forms.BooleanField(label=gettext_lazy("Join with the block above"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        has_image = self.data.get(self.add_prefix("image")) if self.is_bound else self.initial.get("image")
        kinds = [(k, label) for k, label in Kind.choices if (k == Kind.IMAGE) == bool(has_image)]
        self.fields["kind"].choices = kinds

    def clean_image(self):
        token = self.cleaned_data["image"]
        if not token:
            return ""
        try:
            name = signing.loads(token, salt=IMAGE_SALT, max_age=IMAGE_MAX_AGE)
        except signing.BadSignature:
            raise ValidationError(
                _("This image is no longer available: upload the document again."), code="image_token"
            ) from None
        return name

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.IMAGE and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the image for readers who cannot see it."))
        return data

    @property
    def preview_url(self):
        """The small rendition of the block's stored image, for the preview page ("" without one)."""
        try:
            name = signing.loads(self["image"].value() or "", salt=IMAGE_SALT, max_age=IMAGE_MAX_AGE)
        except signing.BadSignature:
            return ""
        return default_storage.url(rendition_name(name, settings.IMAGE_RENDITION_WIDTHS[0]))


class BaseImportedBlockFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        kept = self.kept_forms()
        if not kept:
            raise ValidationError(_("Keep at least one block."), code="no_blocks")
        for previous, form in zip([None, *kept], kept, strict=False):
            if form.cleaned_data["join"] and (
                previous is None or Kind.IMAGE in (previous.cleaned_data["kind"], form.cleaned_data["kind"])
            ):
                form.add_error("join", _("Only a text block can join the text block above it."))

    def kept_forms(self):
        """The blocks the editor keeps: not left out, and not an empty form posted unchanged."""
        return [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]

    def blocks(self):
        """The kept blocks, joined where asked, as article_import_blocks() takes them."""
        blocks = []
        for form in self.kept_forms():
            data = form.cleaned_data
            if data["join"] and blocks:
                blocks[-1]["body"] += data["body"]
                continue
            blocks.append(
                {
                    "kind": data["kind"],
                    "body": data["body"],
                    "image": data["image"],
                    "image_alt": data["image_alt"],
                }
            )
        return blocks


ImportedBlockFormSet = formset_factory(
    ImportedBlockForm, formset=BaseImportedBlockFormSet, extra=0, can_delete=True, max_num=2000
)


class WordImportAdminMixin:
    """ArticleAdmin's Import from Word: `import/` makes a new article, `<id>/import/` adds blocks."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.word_import_view)
        return [
            path("import/", view, name="articles_article_import"),
            path("<path:object_id>/import/", view, name="articles_article_import_into"),
            *super().get_urls(),
        ]

    def word_import_view(self, request, object_id=None):
        article = self.import_target(request, object_id)
        if request.method == "POST" and "confirm" in request.POST:
            return self.word_import_confirm(request, article)
        posted = request.method == "POST"
        form = WordUploadForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            admin_site=self.admin_site,
            into=article,
        )
        if posted and form.is_valid():
            return self.word_import_preview(request, article, form)
        return self.word_import_render(
            request, article, "admin/articles/article/import_upload.html", {"form": form}, form.is_bound
        )

    def import_target(self, request, object_id):
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        return self.revision_object(request, object_id)  # 404, or 403 without the change permission

    def word_import_preview(self, request, article, upload):
        imported = upload.imported
        initial_blocks = [
            {
                "kind": block.kind,
                "body": block.body,
                "image": signing.dumps(store_image(block.image, "blocks"), salt=IMAGE_SALT)
                if block.image
                else "",
                "image_alt": block.image_alt,
            }
            for block in imported.blocks
        ]
        context = {
            "formset": ImportedBlockFormSet(initial=initial_blocks, prefix="blocks"),
            "warnings": imported.warnings,
            "source_name": upload.cleaned_data["document"].name,
            "issue": upload.cleaned_data.get("issue"),
        }
        if article is None:
            context["article_form"] = ImportedArticleForm(
                initial={
                    "title": imported.title,
                    "subtitle": imported.subtitle,
                    "interviewee_name": upload.cleaned_data["interviewee_name"],
                    "language": imported.language,
                    "issue": upload.cleaned_data["issue"],
                }
            )
        return self.word_import_render(
            request, article, "admin/articles/article/import_preview.html", context
        )

    def word_import_confirm(self, request, article):
        formset = ImportedBlockFormSet(request.POST, prefix="blocks")
        article_form = ImportedArticleForm(request.POST) if article is None else None
        source_name = request.POST.get("source_name", "")[:200]
        forms_valid = [formset.is_valid(), article_form is None or article_form.is_valid()]
        if all(forms_valid):
            target = article or Article(**article_form.cleaned_data)
            try:
                target = article_import_blocks(
                    article=target, blocks=formset.blocks(), user=request.user, source_name=source_name
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                count = len(formset.blocks())
                message = ngettext(
                    "%(count)d block was imported from %(name)s. Check it, then save.",
                    "%(count)d blocks were imported from %(name)s. Check them, then save.",
                    count,
                ) % {"count": count, "name": source_name}
                self.message_user(request, message, messages.SUCCESS)
                return redirect("admin:articles_article_change", target.pk)
        issue = article_form.cleaned_data.get("issue") if article_form is not None else None
        context = {
            "formset": formset,
            "article_form": article_form,
            "source_name": source_name,
            "issue": issue,
        }
        return self.word_import_render(
            request, article, "admin/articles/article/import_preview.html", context, True
        )

    def word_import_render(self, request, article, template, context, failed=False):
        title = _("Add blocks from Word") if article else _("Import an interview from Word")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "media": self.media + forms_media(context),
            **context,
        }
        status = 400 if failed else 200
        return TemplateResponse(request, template, context, status=status)


def forms_media(context):
    media = forms.Media()
    for key in ("form", "article_form", "formset"):
        if context.get(key) is not None:
            media += context[key].media
    return media
