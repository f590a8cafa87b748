"""The site's form renderer: Django's templates, with the few plain ones written out in Python.

A public form's fields are `<input>`s, `<textarea>`s, labels and error lists. Django renders each
through two or three templates (the widget, its attrs, an include of input.html): on a page built
without any cache (the comment form under an article) that was a sixth of its time. These few
templates are written here as Python that gives the same HTML, character for character
(tests/richtext/test_form_renderer.py renders every public form both ways), escaped as the
templates escape. Any other template, and any of these that a project template overrides, is
rendered by Django as before (`TemplatesSetting`: the project's templates first).
"""

from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.html import conditional_escape


def text(value):
    """`{{ value|stringformat:'s' }}` under autoescape: safe text stays, anything else is escaped."""
    return conditional_escape(value if hasattr(value, "__html__") else str(value))


def attributes(attrs):
    """django/forms/widgets/attrs.html and django/forms/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{text(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def input_html(context):
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def textarea_html(context):
    widget = context["widget"]
    value = conditional_escape(str(widget["value"])) if widget["value"] else ""
    name = conditional_escape(widget["name"])
    return f'<textarea name="{name}"{attributes(widget["attrs"])}>\n{value}</textarea>'


def label_html(context):
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{attributes(context['attrs'])}>{label}</{tag}>"


def error_list_html(context):
    errors = context["errors"]
    if not errors:
        return ""
    field_id = f' id="{conditional_escape(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    return f'<ul class="{conditional_escape(context["error_class"])}"{field_id}>{items}</ul>'


WIDGETS = "django/forms/widgets/"
WRITTEN = {
    **{
        f"{WIDGETS}{name}.html": input_html
        for name in ("input", "text", "email", "url", "hidden", "checkbox")
    },
    **{f"{WIDGETS}{name}.html": input_html for name in ("number", "password", "search", "date", "tel")},
    f"{WIDGETS}textarea.html": textarea_html,
    "django/forms/label.html": label_html,
    "django/forms/errors/list/default.html": error_list_html,
    "django/forms/errors/list/ul.html": error_list_html,
}


class SiteFormRenderer(TemplatesSetting):
    """TemplatesSetting, with the templates of WRITTEN made in Python unless the project overrides them."""

    @cached_property
    def written(self):
        from django import forms

        builtin = forms.__path__[0]
        return {
            name: write
            for name, write in WRITTEN.items()
            if self.get_template(name).origin.name.startswith(builtin)  # not overridden by a project template
        }

    def render(self, template_name, context, request=None):
        write = self.written.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return write(context).strip()
