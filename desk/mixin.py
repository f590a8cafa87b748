"""The editors' desk: what every admin page of the magazine shares beyond Django's admin.

`DeskAdminMixin` goes first in an admin's bases. It gives each page a title in the right grammatical
form (Django's "Add %s" puts the model's name in the nominative: "Добавить статья"), the changelist
the plural as its title, inlines an "add" link of their own, and a form that failed validation a
clear word on every file it could not keep, and every image field shows its picture.
"""

import json

from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from desk.widgets import ImagePreviewInput


class DeskInlineFormSet(helpers.InlineAdminFormSet):
    """An inline whose "add" link says `inline.add_text` ("Add a block") instead of Django's phrase."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        add_text = getattr(self.opts, "add_text", None)
        if add_text:
            data["options"]["addText"] = str(add_text)
        return json.dumps(data)


class DeskAdminMixin:
    formfield_overrides = {models.ImageField: {"widget": ImagePreviewInput}}
    add_title = None  # e.g. _("Add article"), translated as a whole phrase in every language
    change_title = None  # e.g. _("Change article")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        title = self.add_title if object_id is None else self.change_title
        extra = {"title": title} if title else {}
        return super().changeform_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def changelist_view(self, request, extra_context=None):
        extra = {"title": capfirst(self.opts.verbose_name_plural), "add_title": self.add_title}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = DeskInlineFormSet  # only inline_formset_data() differs
        return inline_admin_formsets

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST":
            forms = [context["adminform"].form]
            forms += [form for inline in context["inline_admin_formsets"] for form in inline.formset.forms]
            if any(form.errors for form in forms):
                for form in forms:
                    ask_for_files_again(form)
        return super().render_change_form(request, context, add, change, form_url, obj)


def ask_for_files_again(form):
    """Say, beside each file this failed form received and accepted, that it must be chosen again.

    Browsers never fill a file input in for the editor, and nothing was stored: without this note
    the form would come back looking as if the file were still chosen.
    """
    for name, upload in form.files.items():
        field_name = name.removeprefix(f"{form.prefix}-") if form.prefix else name
        if field_name in form.fields and upload and field_name not in form.errors:
            form.add_error(
                field_name,
                ValidationError(
                    _(
                        "This file (%(name)s) was fine, but the form had other errors, so it was not "
                        "saved: choose it again before saving."
                    ),
                    code="choose_again",
                    params={"name": upload.name},
                ),
            )
