from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _, override
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from guards.ratelimit import client_ip, hit
from subscriptions.models import Subscriber
from subscriptions.services import subscriber_subscribe_verified, subscriber_unsubscribe

from .forms import CodeForm, LanguageForm, SignInForm, local_path
from .models import AccessGrant
from .pages import rate_limited, reader_required
from .services import (
    reader_delete,
    reader_feed_key_reset,
    reader_language_set,
    reader_sign_out_everywhere,
)
from .sessions import session_sign_in, session_sign_out
from .signin import code_locked, sign_in_redeem, sign_in_request, token_for_code, token_for_link

PENDING_KEY = "readers:pending"  # the address the last sign-in letter of this browser went to


def signed_in(request, reader, next_path):
    session_sign_in(request, reader)
    request.session.pop(PENDING_KEY, None)
    return redirect(next_path or "readers:account")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Ask for a sign-in letter. Every valid address gets the same answer and the same work (a letter
    is written whether the address has an account or not), so nobody can probe for readers."""
    next_path = local_path(request.POST.get("next") or request.GET.get("next", ""))
    if request.reader.is_authenticated:
        return redirect(next_path or "readers:account")
    if request.method == "POST":
        window = settings.READERS_SIGN_IN_WINDOW
        too_many = _("Too many sign-in letters were asked for. Please try again in an hour.")
        if not hit(
            "readers-sign-in-ip", client_ip(request), limit=settings.READERS_SIGN_IN_PER_IP, window=window
        ):
            return rate_limited(request, too_many, window)
        form = SignInForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not hit(
                "readers-sign-in-email", email, limit=settings.READERS_SIGN_IN_PER_EMAIL, window=window
            ):
                return rate_limited(request, too_many, window)
            sign_in_request(email=email, language=get_language(), next_path=next_path)
            request.session[PENDING_KEY] = email
            return redirect("readers:check-inbox")
    else:
        form = SignInForm()
    context = {"form": form, "next_path": next_path}
    return render(request, "readers/sign_in.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def check_inbox(request):
    """ "Check your inbox", with the form for the letter's code (read on another device)."""
    email = request.session.get(PENDING_KEY)
    if not isinstance(email, str) or not email:
        return redirect("readers:sign-in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        window = settings.READERS_CODE_LOCK_SECONDS
        minutes = max(1, window // 60)
        if not hit("readers-code-ip", client_ip(request), limit=settings.READERS_CODE_PER_IP, window=window):
            return rate_limited(
                request,
                _("Too many codes were tried. Please wait %(minutes)d minutes.") % {"minutes": minutes},
                window,
            )
        if code_locked(email):
            message = _(
                "Too many wrong codes: signing in with a code is locked for this address for %(minutes)d "
                "minutes. Use the link in the letter, or wait."
            ) % {"minutes": minutes}
            return rate_limited(request, message, window)
        if form.is_valid():
            token = token_for_code(email, form.cleaned_data["code"])
            redeemed = sign_in_redeem(token=token) if token is not None else None
            if redeemed is not None:
                return signed_in(request, redeemed[0], token.next_path)
            form.add_error(
                "code", _("This code is wrong, used or expired. Use the code of the newest letter.")
            )
    context = {"form": form, "email": email, "minutes": settings.READERS_SIGN_IN_MINUTES}
    return render(request, "readers/check_inbox.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token):
    """GET shows a button (mail scanners open links, and must not use up the letter); POST signs in."""
    found = token_for_link(token)
    if found is None:
        return render(request, "readers/link_invalid.html", status=400)
    if request.method == "POST":
        redeemed = sign_in_redeem(token=found)
        if redeemed is None:
            return render(request, "readers/link_invalid.html", status=400)
        return signed_in(request, redeemed[0], found.next_path)
    return render(request, "readers/link_confirm.html", {"email": found.email})


@require_POST
def sign_out(request):
    if request.reader.is_authenticated:
        session_sign_out(request)
        messages.info(request, _("You have signed out."))
    return redirect("magazine:home")


@require_POST
@reader_required
def sign_out_everywhere(request):
    reader_sign_out_everywhere(reader=request.reader)
    session_sign_out(request)
    messages.info(request, _("You have signed out on every device."))
    return redirect("magazine:home")


@never_cache
@require_http_methods(["GET"])
@reader_required
def account(request):
    reader = request.reader
    grants = AccessGrant.objects.filter(reader=reader).current_or_coming().prefetch_related("issues")
    grants = list(grants.longest_first())
    context = {
        "reader": reader,
        "grants": grants,
        # The personal feed is offered to a reader with access, now or coming (readers.feed_keys).
        "feed_url": feed_url(request, reader) if grants else None,
        "subscriber": Subscriber.objects.with_email(reader.email).first(),
        "language_form": LanguageForm(initial={"language": reader.language}),
    }
    return render(request, "readers/account.html", context)


def feed_url(request, reader):
    """The absolute address of `reader`'s personal feed, in the language of the page."""
    return request.build_absolute_uri(reverse("articles:reader-feed-rss", kwargs={"key": reader.feed_key}))


@require_POST
@reader_required
def account_feed_reset(request):
    """A new personal feed address; the old one stops working at once (a leaked address is revoked)."""
    reader_feed_key_reset(reader=request.reader)
    messages.success(request, _("Your feed has a new address. The old address no longer works."))
    return redirect(f"{reverse('readers:account')}#account-feed")


@require_POST
@reader_required
def account_language(request):
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("readers:account")
    reader_language_set(reader=request.reader, language=form.cleaned_data["language"])
    messages.success(request, _("Your language is saved."))
    return redirect(reverse_in("readers:account", form.cleaned_data["language"]))


def reverse_in(name, language):
    with override(language):
        return reverse(name)


@require_POST
@reader_required
def account_newsletter(request):
    """Join or leave the newsletter: the subscriber of the reader's address, proven by the sign-in."""
    reader = request.reader
    if request.POST.get("action") == "subscribe":
        subscriber_subscribe_verified(email=reader.email, language=reader.language)
        messages.success(request, _("You are subscribed to the newsletter."))
    elif request.POST.get("action") == "unsubscribe":
        subscriber = Subscriber.objects.with_email(reader.email).first()
        if subscriber is not None:
            subscriber_unsubscribe(subscriber=subscriber)
        messages.success(request, _("You are unsubscribed from the newsletter."))
    else:
        messages.error(request, _("Choose to subscribe or to unsubscribe."))
    return redirect("readers:account")


@never_cache
@require_http_methods(["GET", "POST"])
@reader_required
def account_delete(request):
    """GET asks for confirmation; POST removes the account and its personal data at once."""
    if request.method == "POST":
        reader_delete(reader=request.reader)
        session_sign_out(request)
        messages.info(request, _("Your account is deleted."))
        return redirect("magazine:home")
    return render(request, "readers/account_delete.html", {"reader": request.reader})
