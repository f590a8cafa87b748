from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from guards.ratelimit import client_ip, hit

from .forms import SubscribeForm
from .models import Subscriber
from .services import subscriber_confirm, subscriber_subscribe, subscriber_unsubscribe
from .tokens import confirm_token_read, unsubscribe_token_read


@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Every valid request gets the same redirect, whatever the address's state: nobody can probe it."""
    initial = {"language": get_language()}
    if request.method == "POST":
        window = settings.SUBSCRIPTIONS_SUBSCRIBE_WINDOW
        if not hit(
            "subscribe", client_ip(request), limit=settings.SUBSCRIPTIONS_SUBSCRIBE_LIMIT, window=window
        ):
            context = {"retry_minutes": max(1, window // 60)}
            response = render(request, "subscriptions/rate_limited.html", context, status=429)
            response["Retry-After"] = str(window)
            return response
        form = SubscribeForm(request.POST, initial=initial)
        if form.is_valid():
            if not form.cleaned_data["website"]:  # a filled honeypot gets the same answer, and nothing done
                subscriber_subscribe(email=form.cleaned_data["email"], language=form.cleaned_data["language"])
            return redirect("subscriptions:check-inbox")
    else:
        form = SubscribeForm(initial=initial)
    return render(
        request,
        "subscriptions/subscribe.html",
        {"form": form, "hide_subscribe_box": True},
        status=400 if form.is_bound else 200,
    )


@require_GET
def check_inbox(request):
    return render(request, "subscriptions/check_inbox.html", {"hide_subscribe_box": True})


@never_cache
@require_GET
def confirm(request, token):
    """Opening the link confirms (as the issue asks); opening it again only says so again.

    An expired, forged or altered token, one made for another purpose, or one of an address that has
    unsubscribed since, changes nothing and gets the "link invalid" page.
    """
    subscriber = token_subscriber(confirm_token_read(token, max_age=settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE))
    if subscriber is None or not subscriber_confirm(subscriber=subscriber):
        return link_invalid(request)
    return render(request, "subscriptions/confirmed.html", {"subscriber": subscriber})


# CSRF exemption is safe here, and needed: mail clients send the RFC 8058 one-click POST with no cookie
# and no CSRF token. CSRF defends against a forged request riding on the victim's cookies; this view
# reads no cookie or session. Its only credential is the signed token in the URL, which only the
# letter's reader has, and its only effect is to unsubscribe the address named in that token.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button (link scanners open links); POST, the button's or a mail client's, unsubscribes.

    The POST answers 200 with the page rather than redirecting: one-click clients expect a 2xx.
    """
    subscriber = token_subscriber(unsubscribe_token_read(token))
    if subscriber is None:
        return link_invalid(request)
    if request.method == "POST":
        subscriber_unsubscribe(subscriber=subscriber)
    return render(request, "subscriptions/unsubscribe.html", {"subscriber": subscriber})


def token_subscriber(reference):
    """The subscriber a token's (pk, email) names, if that row still has that address."""
    if reference is None:
        return None
    pk, email = reference
    return Subscriber.objects.filter(pk=pk, email=email).first()


def link_invalid(request):
    return render(request, "subscriptions/link_invalid.html", status=400)
