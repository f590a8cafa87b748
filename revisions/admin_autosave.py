"""The admin's side of autosave: a change form posted in the background becomes a revision, not a save.

`AutosaveAdminMixin` goes before `RevisionAdminMixin`. desk.js posts the whole change form to
`<id>/autosave/` every AUTOSAVE_SECONDS while the editor types; the form is read exactly as a save
would read it (what does not validate yet is kept as it was), and nothing is written but the revision.
"""

import copy

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from revisions.autosave import autosave_record, newer_autosave
from revisions.snapshots import snapshot_fields


class AutosaveAdminMixin:
    autosave_kept = ()  # fields an autosave never takes from the form (an article's status and time)

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.autosave_view))
        name = f"{self.opts.app_label}_{self.opts.model_name}_autosave"
        return [path("<path:object_id>/autosave/", view, name=name), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {}
        if obj is not None and self.has_change_permission(request, obj):
            extra = {
                "autosave_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_autosave", args=[obj.pk]
                ),
                "autosave_seconds": settings.AUTOSAVE_SECONDS,
                "newer_autosave": newer_autosave(obj, request.user),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def autosave_view(self, request, object_id):
        obj = self.revision_object(request, object_id)  # 404, or 403 without the change permission
        draft = self.draft_from_post(request, obj)
        revision = autosave_record(obj=obj, data=draft, user=request.user)
        when = time_format(timezone.localtime(revision.created_at), "H:i")
        return JsonResponse({"revision": revision.pk, "message": _("Draft autosaved at %s.") % when})

    def draft_from_post(self, request, obj):
        """The posted form as a revision's data: fields that validate take the typed value."""
        draft = copy.copy(obj)
        form = self.get_form(request, obj, change=True)(request.POST, instance=draft)
        form.is_valid()  # a half-typed form is normal here: what fails keeps its saved value
        for name in self.autosave_kept:
            setattr(draft, name, getattr(obj, name))
        fields = snapshot_fields(draft)
        for field in obj._meta.many_to_many:
            if field.name in fields and field.name in form.cleaned_data:
                fields[field.name] = sorted(row.pk for row in form.cleaned_data[field.name])
        related = {}
        for inline in self.get_inline_instances(request, obj):
            formset_class = inline.get_formset(request, obj)
            name = formset_class.fk.remote_field.get_accessor_name()
            if name in self.revision_related:
                formset = formset_class(
                    request.POST, instance=draft, prefix=formset_class.get_default_prefix()
                )
                related[name] = [
                    snapshot_fields(child, exclude={formset_class.fk.name})
                    for child in typed_children(formset)
                ]
        return {"fields": fields, "related": related}


def typed_children(formset):
    """The rows of a bound inline formset as typed, in order; deleted and untouched new rows left out."""
    formset.is_valid()
    children = [
        form.instance
        for form in formset.forms
        if (form.has_changed() or form.instance.pk) and not (form.cleaned_data or {}).get("DELETE")
    ]
    if any(field.name == "position" for field in formset.model._meta.fields):
        children.sort(key=lambda child: child.position or 0)  # stable: the page's order breaks ties
    return children
