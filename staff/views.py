"""The second-factor pages of the admin: give a code, enrol an app or a passkey, recovery codes, settings."""

from base64 import b32encode
from binascii import unhexlify
from functools import wraps

import segno
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_otp_webauthn.models import WebAuthnCredential

from .forms import CodeForm, EnrolCodeForm
from .fresh import fresh_second_factor_required
from .services import recovery_codes_issue, recovery_codes_left, totp_enrol
from .twofactor import code_step, factor_code_step, has_second_factor, lockout_message, session_verify

PENDING_KEY = "staff_totp_pending_key"
NEW_CODES_KEY = "staff_recovery_codes_new"


def next_url(request):
    """The page to go on to: a local `next`, else the admin's index."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("admin:index")


def with_next(url_name, target):
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def page(request, template, context, status=200):
    """An admin-styled page; before the second factor it lists none of the admin's models."""
    chrome = admin.site.each_context(request)
    if not request.user.is_verified():
        chrome |= {"available_apps": [], "is_nav_sidebar_enabled": False}
    return render(request, template, chrome | context, status=status)


def signed_in_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return wrapper


def codes_then(request, next_page):
    """Issue recovery codes if the user has none yet, and go to the page that shows them once."""
    if recovery_codes_left(request.user):
        return redirect(next_page)
    request.session[NEW_CODES_KEY] = recovery_codes_issue(user=request.user)
    return redirect(with_next("staff:recovery-codes", next_page))


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in_only
def verify(request):
    """The second step of a sign-in: a code from the app, a recovery code, or a passkey."""
    user, target = request.user, next_url(request)
    if user.is_verified():
        return redirect(target)
    if not has_second_factor(user):
        return redirect(with_next("staff:enrol", target))
    form = CodeForm(request.POST if request.method == "POST" else None)
    device, status = factor_code_step(request, form)
    if device is not None:
        session_verify(request, device)
        return redirect(target)
    context = {
        "title": _("Two-factor sign-in"),
        "form": form,
        "next": target,
        "locked_message": lockout_message() if status == 429 else "",
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
    }
    return page(request, "staff/verify.html", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in_only
def enrol(request):
    """Add a second factor: an authenticator app (shown as a QR code and a key) or a passkey."""
    user, target = request.user, next_url(request)
    if has_second_factor(user) and not user.is_verified():
        return redirect(with_next("staff:verify", target))  # a new factor needs one of the old ones first
    key = request.session.get(PENDING_KEY) or random_hex(20)
    request.session[PENDING_KEY] = key
    form = EnrolCodeForm(request.POST if request.method == "POST" else None)
    device, status = code_step(
        request,
        form,
        lambda code: totp_enrol(request, key=key, code=code),
        wrong_message=_("This code is not right. Check the key in the app and type its current code."),
    )
    if device is not None:
        del request.session[PENDING_KEY]
        if not user.is_verified():
            session_verify(request, device)
        return codes_then(request, target)
    uri = TOTPDevice(user=user, key=key).config_url
    secret = b32encode(unhexlify(key)).decode()
    context = {
        "title": _("Set up two-factor sign-in"),
        "form": form,
        "next": target,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_code": mark_safe(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")),
        "locked_message": lockout_message() if status == 429 else "",
        "after_passkey": with_next("staff:recovery-codes", target),
    }
    return page(request, "staff/enrol.html", context, status)


@never_cache
@require_http_methods(["GET"])
@signed_in_only
def recovery_codes(request):
    """Show newly issued recovery codes, once: the session forgets them as the page is made."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if codes is None and not request.user.is_verified():
        return redirect(reverse("staff:verify"))
    context = {"title": _("Your recovery codes"), "codes": codes, "next": next_url(request)}
    return page(request, "staff/recovery_codes.html", context)


@never_cache
@require_http_methods(["POST"])
@signed_in_only
@fresh_second_factor_required(purpose="recovery codes", download=False)
def recovery_codes_renew(request):
    """Replace the recovery codes (the old ones stop working) and show the new ones once."""
    request.session[NEW_CODES_KEY] = recovery_codes_issue(user=request.user)
    return redirect(with_next("staff:recovery-codes", reverse("staff:settings")))


@never_cache
@require_http_methods(["GET"])
@signed_in_only
def security_settings(request):
    """A staff member's own second factors: add a passkey or an app, renew recovery codes."""
    user = request.user
    if not user.is_verified():
        return redirect(with_next("staff:verify", request.path))
    context = {
        "title": _("Two-factor sign-in"),
        "apps": TOTPDevice.objects.filter(user=user, confirmed=True),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True),
        "codes_left": recovery_codes_left(user),
    }
    return page(request, "staff/settings.html", context)


@require_http_methods(["POST"])
def sign_out(request):
    """Sign out, also half-way through a sign-in (the admin's own log-out needs a full sign-in)."""
    logout(request)
    return redirect("admin:login")
