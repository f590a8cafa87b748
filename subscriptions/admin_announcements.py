"""The announcement's page in the admin: the letter previewed in each language, a test sent to oneself,
and the sending to every subscriber, confirmed with their number and followed as it goes.

Nothing here shows an address: editors announce issues without seeing who subscribes.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.tasks import TaskResultStatus
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .letters import announcement_preview
from .sending import announcement_progress, announcement_recipients
from .services import announcement_test_send, issue_announce

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def announcement_send_message(announcement, *, by):
    """Announce (queue the sending of) `announcement` as `by`; (message, level) saying what happened."""
    try:
        result = issue_announce(announcement=announcement, by=by)
    except ValidationError:
        message = _("Issue %(issue)s is not published: nothing sent.")
        return message % {"issue": announcement.issue}, messages.ERROR
    if result.status == TaskResultStatus.FAILED:  # a backend that ran it at once, and it failed
        return _("Issue %(issue)s: sending failed; see the task list.") % {
            "issue": announcement.issue
        }, messages.ERROR
    if result.status == TaskResultStatus.SUCCESSFUL:  # a backend that ran it at once
        report = result.return_value
        message = _("Issue %(issue)s: %(sent)d sent, %(failed)d failed, %(remaining)d remaining.") % (
            {"issue": announcement.issue} | report
        )
        return message, messages.WARNING if report["remaining"] else messages.SUCCESS
    message = _(
        "Issue %(issue)s: sending has started in the background. The counts on this page "
        "follow it; the dashboard warns if no worker takes the task."
    ) % {"issue": announcement.issue}
    return message, messages.SUCCESS


class AnnouncementPagesMixin:
    change_form_template = "admin/subscriptions/announcement/change_form.html"

    def get_urls(self):
        view, name = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/preview/<str:language>/",
                view(require_GET(self.preview_view)),
                name=f"{name}_preview",
            ),
            path("<path:object_id>/test/", view(require_POST(self.test_view)), name=f"{name}_test"),
            path(
                "<path:object_id>/send/",
                view(require_http_methods(["GET", "POST"])(self.send_view)),
                name=f"{name}_send",
            ),
            path(
                "<path:object_id>/progress/", view(require_GET(self.progress_view)), name=f"{name}_progress"
            ),
            *super().get_urls(),
        ]

    def announcement(self, request, object_id, *, send=False):
        announcement = self.get_object(request, unquote(object_id))
        if announcement is None:
            raise Http404
        allowed = (
            self.has_send_permission(request) if send else self.has_view_permission(request, announcement)
        )
        if not allowed:
            raise PermissionDenied
        return announcement

    def change_view(self, request, object_id, form_url="", extra_context=None):
        announcement = self.get_object(request, unquote(object_id))
        extra = {}
        if announcement is not None:
            extra = {
                "languages": settings.LANGUAGES,
                "recipients": announcement_recipients(announcement=announcement).count(),
                "progress": announcement_progress(announcement=announcement),
                "can_send": self.has_send_permission(request),
                "test_key": uuid.uuid4().hex,
                "user_language": (getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE)[:2],
            }
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    @xframe_options_sameorigin  # shown in a frame on the announcement's own page
    def preview_view(self, request, object_id, language):
        announcement = self.announcement(request, object_id)
        if language not in LANGUAGE_CODES:
            raise Http404
        subject, text, html = announcement_preview(announcement, language)
        if request.GET.get("format") == "text":
            return HttpResponse(f"{subject}\n\n{text}", content_type="text/plain; charset=utf-8")
        return HttpResponse(html)

    def test_view(self, request, object_id):
        announcement = self.announcement(request, object_id, send=True)
        language = request.POST.get("language", "")
        key = request.POST.get("key", "")
        if language not in LANGUAGE_CODES or not key.isalnum() or len(key) > 64:
            self.message_user(request, _("The test form was damaged; open the page again."), messages.ERROR)
            return redirect(self.change_url(announcement))
        try:
            letter = announcement_test_send(
                announcement=announcement, user=request.user, language=language, key=key
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            message = _("A test letter in %(language)s is on its way to %(email)s.") % {
                "language": dict(settings.LANGUAGES)[language],
                "email": letter.to,
            }
            self.message_user(request, message, messages.SUCCESS)
        return redirect(self.change_url(announcement))

    def send_view(self, request, object_id):
        """GET: how many subscribers would get the letter, and a button to confirm; POST: send."""
        announcement = self.announcement(request, object_id, send=True)
        count = announcement_recipients(announcement=announcement).count()
        changed = False
        if request.method == "POST":
            posted, key = request.POST.get("count", ""), request.POST.get("key", "")
            if not (posted.isdigit() and key.isalnum() and len(key) <= 64):
                self.message_user(request, _("The form was damaged; open the page again."), messages.ERROR)
                return redirect(self.change_url(announcement))
            # The same confirmation posted twice (a double click) starts one sending.
            if not cache.add(f"announcement-send:{announcement.pk}:{key}", True, timeout=24 * 3600):
                self.message_user(request, _("This sending has already started."), messages.WARNING)
                return redirect(self.change_url(announcement))
            changed = int(posted) != count
            if not changed and count:
                message, level = announcement_send_message(announcement, by=request.user)
                self.message_user(request, message, level)
                return redirect(self.change_url(announcement))
            if not count:
                self.message_user(
                    request, _("Every confirmed subscriber has received it: nobody to send to.")
                )
                return redirect(self.change_url(announcement))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": announcement,
            "title": ngettext(
                "Send the announcement to %(count)d subscriber?",
                "Send the announcement to %(count)d subscribers?",
                count,
            )
            % {"count": count},
            "module_name": capfirst(self.opts.verbose_name_plural),
            "count": count,
            "changed": changed,
            "key": uuid.uuid4().hex,
        }
        return TemplateResponse(
            request,
            "admin/subscriptions/announcement/send_confirm.html",
            context,
            status=409 if changed else 200,
        )

    def progress_view(self, request, object_id):
        announcement = self.announcement(request, object_id)
        return JsonResponse(announcement_progress(announcement=announcement))

    def change_url(self, announcement):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[announcement.pk])
