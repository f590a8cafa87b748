"""Rich text: the one sanitizer, and the one model field that wraps the editor.

Swapping the editor means changing `RichTextField.formfield()` only; stored HTML is always
cleaned by `sanitize_html()` on save, whatever wrote it (admin, seed, shell, import).
"""

import nh3
from django import forms
from django.db import models

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "small",
    "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html, *, extra_tags=frozenset()):
    """Return `html` reduced to the magazine's typography allow-list; scripts, styles and handlers go.

    `extra_tags` widens the list for HTML the site makes itself (a diff's <ins> and <del>).
    """
    if not html:
        return ""
    html = html.replace("\x00", "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | set(extra_tags),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def editor_widget():
    # Imported here so that only the admin form pulls the editor's assets in.
    from ckeditor.widgets import CKEditorWidget

    return CKEditorWidget(config_name="default")


class RichTextFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", editor_widget())
        super().__init__(**kwargs)

    def clean(self, value):
        return sanitize_html(super().clean(value))


class RichTextField(models.TextField):
    """A TextField of sanitized HTML, edited with the rich-text editor in the admin."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs, "widget": editor_widget()})

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value
