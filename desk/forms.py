"""Admin forms that write what the editor changed and nothing else.

A change form shows stored values through widgets that cannot hold all of them (a split date and time
shows no microseconds, a one-line input no line break) and gets text back as the browser sends it (a
textarea's line breaks as CRLF). Saved as posted, an untouched form would still change the row. Here a
field the editor did not change keeps its stored value exactly; `MagazineAdminSite` gives this to the
form and the inline forms of every admin.
"""

import functools

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.functional import cached_property

ONE_LINE_INPUTS = {"text", "search", "email", "url", "tel", "password"}


def as_sent_back(widget, text):
    """`text` shown in `widget` as a browser sends it back untouched, or None if it keeps it as it is.

    A textarea sends its line breaks as CRLF (compared here as LF); a one-line input drops them.
    """
    if isinstance(widget, forms.Textarea):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(widget, forms.widgets.Input) and widget.input_type in ONE_LINE_INPUTS:
        return text.replace("\r", "").replace("\n", "")
    return None


class StoredValuesKept:
    """ModelForm mixin: fields the editor did not touch keep the instance's stored values exactly."""

    @cached_property
    def changed_data(self):
        return [name for name in super().changed_data if not self.sent_back_untouched(name)]

    def sent_back_untouched(self, name):
        """True if field `name` differs from its initial value only as a browser's form makes it differ."""
        bound = self[name]
        initial, data = bound.initial, bound.data
        if not isinstance(initial, str) or not isinstance(data, str):
            return False
        shown = as_sent_back(bound.field.widget, initial)
        if shown is None:
            return False
        try:
            return bound.field.to_python(as_sent_back(bound.field.widget, data)) == bound.field.to_python(
                shown
            )
        except ValidationError:
            return False

    def _post_clean(self):
        # Before construct_instance() (in super) copies the cleaned values onto the instance.
        if self.instance.pk is not None and hasattr(self, "cleaned_data"):
            for name in set(self.cleaned_data) - set(self.changed_data):
                field = self.stored_field(name)
                if field is not None:
                    self.cleaned_data[name] = field.value_from_object(self.instance)
        super()._post_clean()

    def stored_field(self, name):
        """The model field behind form field `name` whose value a form may round off, or None.

        Relations and files are left to Django: they come back exactly as they were.
        """
        try:
            field = self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.is_relation or isinstance(field, models.FileField):
            return None
        return field


@functools.cache
def keeping_stored_values(form_class):
    """`form_class` with `StoredValuesKept` mixed in (made once per class)."""
    if issubclass(form_class, StoredValuesKept):
        return form_class
    return type(form_class.__name__, (StoredValuesKept, form_class), {"__module__": form_class.__module__})


class StoredValuesKeptAdmin:
    """ModelAdmin mixin giving its form and its inlines' forms `StoredValuesKept`."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.form = keeping_stored_values(self.form)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.form = keeping_stored_values(inline.form)
        return inlines
