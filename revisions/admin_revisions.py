"""Revisions in the admin: history, diff and restore pages, and the stale-form check.

`RevisionAdminMixin` goes before `admin.ModelAdmin` on the admins of models with `updated_at`.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revisions.diff import is_current, revision_changes
from revisions.models import Revision
from revisions.snapshots import revision_create, revision_restore


def saved_by(obj, since):
    """Who saved `obj` at `since` or later, from its revisions: a name, or "another editor"."""
    # The oldest revision since then is the one written by the save that set `since`.
    revisions = Revision.objects.for_object(obj).filter(created_at__gte=since).select_related("user")
    revision = revisions.order_by("created_at", "id").first()
    user = revision.user if revision else None
    return (user.get_full_name() or user.get_username()) if user else _("another editor")


class StaleEditForm(forms.ModelForm):
    """A change form that refuses to overwrite a save made after it was opened (optimistic locking)."""

    loaded_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_at"] = self.instance.updated_at.isoformat()

    def clean_loaded_at(self):
        value = self.cleaned_data["loaded_at"]
        try:
            return datetime.datetime.fromisoformat(value) if value else None
        except ValueError:
            raise ValidationError(
                _("The form was damaged; open the page again."), code="bad_loaded_at"
            ) from None

    def clean(self):
        cleaned_data = super().clean()
        loaded_at = cleaned_data.get("loaded_at")
        if self.instance.pk and loaded_at:  # add forms, and forms posted without it, are not checked
            rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            if connection.in_atomic_block:  # the admin's: a concurrent save waits, then sees this one
                rows = rows.select_for_update()
            current = rows.values_list("updated_at", flat=True).first()
            if current is not None and current != loaded_at:
                # The form comes back with the newer time, so saving it again deliberately keeps this text.
                self.data = self.data.copy()
                self.data[self.add_prefix("loaded_at")] = current.isoformat()
                raise ValidationError(
                    _(
                        "%(who)s saved this %(thing)s at %(when)s, after you opened it. Your text is still "
                        "in the form below and theirs is kept in the revisions: compare them there, then "
                        "save again to keep yours."
                    ),
                    code="stale",
                    params={
                        "who": saved_by(self.instance, current),
                        "thing": self.instance._meta.verbose_name,
                        "when": date_format(timezone.localtime(current), "DATETIME_FORMAT"),
                    },
                )
        return cleaned_data


def change_summary(form, formsets, change):
    if not change:
        return _("Created.")
    labels = [
        capfirst(str(form.fields[name].label or name)) for name in form.changed_data if name != "loaded_at"
    ]
    labels += [capfirst(str(fs.model._meta.verbose_name_plural)) for fs in formsets if fs.has_changed()]
    return _("Changed: %s.") % ", ".join(labels) if labels else _("Saved without changes.")


class RevisionAdminMixin:
    """Keep a revision on every save, with `revision_related` children; history, diff and restore pages."""

    revision_related = ()
    form = StaleEditForm
    change_form_template = "admin/revisions/change_form.html"
    revisions_per_page = 50

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        summary = change_summary(form, formsets, change)
        revision_create(obj=form.instance, user=request.user, related=self.revision_related, comment=summary)
        for formset in formsets:  # rows edited inline that keep revisions of their own (an issue's articles)
            model_admin = self.revision_admin_of(formset.model)
            if model_admin:
                for child in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
                    revision_create(
                        obj=child, user=request.user, related=model_admin.revision_related, comment=summary
                    )

    def revision_admin_of(self, model):
        """The admin of `model` if it keeps revisions, else None."""
        if self.admin_site.is_registered(model):
            model_admin = self.admin_site.get_model_admin(model)
            if isinstance(model_admin, RevisionAdminMixin):
                return model_admin
        return None

    def get_urls(self):
        view, name = self.admin_site.admin_view, self.url_name
        return [
            path("<path:object_id>/revisions/", view(self.revisions_view), name=name("revisions")),
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                view(self.revision_view),
                name=name("revision"),
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(require_http_methods(["GET", "POST"])(self.revision_restore_view)),
                name=name("revision_restore"),
            ),
            *super().get_urls(),
        ]

    def url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def revision_object(self, request, object_id):
        """The object whose revisions are asked for; 404 if missing, 403 without change permission."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def revision_context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "revisions_url": reverse(f"admin:{self.url_name('revisions')}", args=[obj.pk]),
            **extra,
        }

    def revisions_view(self, request, object_id):
        obj = self.revision_object(request, object_id)
        revisions = Revision.objects.for_object(obj).select_related("user").defer("data")
        page = Paginator(revisions, self.revisions_per_page).get_page(request.GET.get("p"))
        # The newest revision is the current version unless the object was changed without one since.
        newest = Revision.objects.for_object(obj).first()
        current_id = newest.pk if newest and is_current(newest, obj) else None
        title = _("Revisions of %s") % obj
        context = self.revision_context(request, obj, title=title, page=page, current_id=current_id)
        return TemplateResponse(request, "admin/revisions/revision_list.html", context)

    def revision_view(self, request, object_id, revision_id):
        obj = self.revision_object(request, object_id)
        revision = get_object_or_404(Revision.objects.for_object(obj).select_related("user"), pk=revision_id)
        when = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
        context = self.revision_context(
            request,
            obj,
            title=_("Revision of %(when)s compared with the current version") % {"when": when},
            revision=revision,
            changes=revision_changes(revision, obj),
        )
        return TemplateResponse(request, "admin/revisions/revision_detail.html", context)

    def revision_restore_view(self, request, object_id, revision_id):
        """GET: what restoring the revision would change, and a button to confirm; POST: restore it."""
        obj = self.revision_object(request, object_id)
        revision = get_object_or_404(Revision.objects.for_object(obj).select_related("user"), pk=revision_id)
        if request.method == "GET":
            when = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
            context = self.revision_context(
                request,
                obj,
                title=_("Restore the revision of %(when)s?") % {"when": when},
                revision=revision,
                changes=revision_changes(revision, obj, restoring=True),
            )
            return TemplateResponse(request, "admin/revisions/revision_restore.html", context)
        try:
            obj = revision_restore(revision=revision, user=request.user)
        except ValidationError as error:
            message = _("This revision cannot be restored: %s") % " ".join(error.messages)
            self.message_user(request, message, messages.ERROR)
            return redirect(f"admin:{self.url_name('revision')}", obj.pk, revision.pk)
        when = date_format(timezone.localtime(revision.created_at), "DATETIME_FORMAT")
        self.log_change(request, obj, _("Restored the revision of %s.") % when)
        message = _("Restored the revision of %s. The text it replaced is kept in the revisions.") % when
        self.message_user(request, message, messages.SUCCESS)
        return redirect(f"admin:{self.url_name('change')}", obj.pk)
