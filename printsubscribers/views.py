from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guards.ratelimit import client_ip, hit
from readers.pages import rate_limited, reader_required

from .forms import ActivateForm
from .models import PrintSubscription
from .services import AlreadyLinked, subscription_find, subscription_link


def _lock_keys(request):
    return [
        f"printsubs:activate-lock:ip:{client_ip(request)}",
        f"printsubs:activate-lock:reader:{request.reader.pk}",
    ]


def _locked(request):
    return any(cache.get(key) is not None for key in _lock_keys(request))


def _wrong_pair_counted(request):
    """Count a wrong pair for this IP and this reader; True while both stay within their limits."""
    window = settings.PRINTSUBS_ACTIVATE_WINDOW
    ip_ok = hit("printsubs-ip", client_ip(request), limit=settings.PRINTSUBS_ACTIVATE_PER_IP, window=window)
    reader_ok = hit(
        "printsubs-reader", request.reader.pk, limit=settings.PRINTSUBS_ACTIVATE_PER_READER, window=window
    )
    ip_key, reader_key = _lock_keys(request)
    if not ip_ok:
        cache.set(ip_key, 1, timeout=window)
    if not reader_ok:
        cache.set(reader_key, 1, timeout=window)
    return ip_ok and reader_ok


def _too_many(request):
    window = settings.PRINTSUBS_ACTIVATE_WINDOW
    message = _(
        "Too many wrong subscriber numbers or postal codes. Please try again in an hour, or write to the "
        "subscription office."
    )
    return rate_limited(request, message, window)


def _tell_linked(request, subscription):
    end = date_format(subscription.ends_on, "d.m.Y")
    if subscription.ends_on < timezone.localdate():
        message = _("Your print subscription is linked, but it ended on %(date)s.")
        messages.warning(request, message % {"date": end})
    else:
        message = _("Your print subscription is activated: you read the magazine online until %(date)s.")
        messages.success(request, message % {"date": end})


def _link(request, subscription):
    """Link `subscription` to the reader: None when done, else what to tell them."""
    try:
        subscription = subscription_link(subscription=subscription, reader=request.reader)
    except AlreadyLinked:
        return _(
            "This subscription is already linked to another account. Please write to the subscription office."
        )
    if subscription.grant is None or subscription.grant.revoked_at is not None:  # a manager revoked it
        return _(
            "The online reading of this subscription was withdrawn. Please write to the subscription office."
        )
    _tell_linked(request, subscription)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
@reader_required
def activate(request):
    """A reader links their print subscription by its number and postal code, and reads online.

    A wrong pair gets one answer whether the number exists or not, and is counted (429 beyond the limits).
    """
    form = ActivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _locked(request):
            return _too_many(request)
        if form.is_valid():
            subscription = subscription_find(**form.cleaned_data)
            if subscription is None:
                if not _wrong_pair_counted(request):
                    return _too_many(request)
                form.add_error(None, _("The subscriber number and the postal code do not match."))
            elif (problem := _link(request, subscription)) is not None:
                form.add_error(None, problem)
            else:
                return redirect("readers:account")
    linked = PrintSubscription.objects.filter(reader=request.reader).order_by("-ends_on")
    context = {"form": form, "linked": linked}
    return render(request, "printsubscribers/activate.html", context, status=400 if form.is_bound else 200)
