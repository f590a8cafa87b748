"""A fresh second factor before a sensitive download, and an audit line for each download.

Put it on any view or admin action that hands out people's data in bulk. Today: the subscriber CSV
export (subscriptions/admin.py). The print-subscriber list, when it is built, takes it the same way:

    from staff.fresh import FreshSecondFactorMixin, fresh_second_factor_required

    @admin.action(description=_("Export the print-subscriber list"), permissions=["view"])
    @fresh_second_factor_required(purpose="print subscribers CSV")    # under @admin.action
    def export_print_list(self, request, queryset): ...

    @fresh_second_factor_required(purpose="print subscribers CSV")    # outermost on a function view
    def print_subscribers_csv(request): ...

    class PrintSubscribersView(FreshSecondFactorMixin, View):          # first base of a class view
        fresh_purpose = "print subscribers CSV"

How it behaves: when this session gave its second factor more than STAFF_2FA_FRESH_SECONDS ago, the
wrapped code does not run. The answer is a page (403) asking for a code, which re-submits the very same
request with the code: a POSTed admin action runs right after (no second click); a GET download is
redirected to itself. A wrong code counts towards the sign-in lockout (400; 429 once locked). Every
answer of the wrapped code with status 200 is logged as a download (AuditEvent "Sensitive download",
with `purpose`). `download=False` keeps the fresh factor and leaves out the log line (for actions
such as renewing recovery codes, logged by their own service).
"""

from functools import wraps

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp_webauthn.models import WebAuthnCredential

from .audit import Kind, audit_record
from .forms import CodeForm
from .twofactor import factor_code_step, factor_is_fresh, has_second_factor, lockout_message, session_verify

FORM_PREFIX = "fresh"
CODE_FIELD = "fresh-code"
MARK_FIELD = "_fresh_factor"  # present on the confirmation page's form: "GET" or "POST", the original method
PASSED_OVER = {"csrfmiddlewaretoken", CODE_FIELD, MARK_FIELD}


def fresh_second_factor_required(*, purpose, download=True):
    def decorate(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            request = next(arg for arg in args if isinstance(arg, HttpRequest))
            if not factor_is_fresh(request):
                answer = fresh_factor_confirm(request, purpose)
                if answer is not None:
                    return answer
            response = func(*args, **kwargs)
            if download and getattr(response, "status_code", None) == 200:
                audit_record(Kind.DOWNLOAD, user=request.user, detail=purpose, request=request)
            return response

        return wrapper

    return decorate


class FreshSecondFactorMixin:
    """The class-based form of `fresh_second_factor_required`; set `fresh_purpose`."""

    fresh_purpose = ""
    fresh_download = True

    def dispatch(self, request, *args, **kwargs):
        guarded = fresh_second_factor_required(purpose=self.fresh_purpose, download=self.fresh_download)
        return guarded(super().dispatch)(request, *args, **kwargs)


def fresh_factor_confirm(request, purpose):
    """Return the confirmation page, or None once a right code made the factor fresh (POST goes on)."""
    if not request.user.is_verified() and not has_second_factor(request.user):
        context = {"title": _("Confirm it is you"), "needs_enrolment": True}
        return _page(request, context, status=403)
    original_method = request.POST.get(MARK_FIELD) if request.method == "POST" else None
    form = CodeForm(request.POST if original_method else None, prefix=FORM_PREFIX)
    device, status = factor_code_step(request, form)
    if device is not None:
        session_verify(request, device, signing_in=False)
        return redirect(request.get_full_path()) if original_method == "GET" else None
    passed = [
        (name, value)
        for name, values in (request.POST.lists() if request.method == "POST" else [])
        if name not in PASSED_OVER
        for value in values
    ]
    context = {
        "title": _("Confirm it is you"),
        "purpose": purpose,
        "form": form,
        "passed": passed,
        "original_method": original_method or request.method,
        "action": request.get_full_path(),
        "locked_message": lockout_message() if status == 429 else "",
        "has_passkey": WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return _page(request, context, status=403 if status == 200 else status)


def _page(request, context, *, status):
    context = admin.site.each_context(request) | {"settings_url": reverse("staff:settings")} | context
    return render(request, "staff/fresh_factor.html", context, status=status)
