from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guards.ratelimit import client_ip, hit
from issues.days import day_label
from readers.pages import rate_limited, reader_required

from .forms import RedeemForm
from .services import RedeemError, code_redeem


def throttled(request):
    """A 429 answer when this IP or this reader tried too many codes in the window, else None."""
    window = settings.ISSUECODES_TRIES_WINDOW
    by_ip = hit("issuecodes-ip", client_ip(request), limit=settings.ISSUECODES_TRIES_PER_IP, window=window)
    by_reader = hit(
        "issuecodes-reader", request.reader.pk, limit=settings.ISSUECODES_TRIES_PER_READER, window=window
    )
    if by_ip and by_reader:
        return None
    minutes = max(1, window // 60)
    message = _(
        "Too many codes were tried. Please try again in %(minutes)d min., typing the code carefully."
    ) % {"minutes": minutes}
    return rate_limited(request, message, window)


@never_cache
@require_http_methods(["GET", "POST"])
@reader_required
def redeem(request):
    """The form for a code from the printed issue; GET ?code= (the QR code's link) fills it in."""
    if request.method == "POST":
        if (response := throttled(request)) is not None:
            return response
        form = RedeemForm(request.POST)
        if form.is_valid():
            try:
                redemption = code_redeem(reader=request.reader, text=form.cleaned_data["code"])
            except RedeemError as error:
                form.add_error("code", str(error.message))
            else:
                issue, grant = redemption.code.batch.issue, redemption.grant
                if grant.ends_at is None:
                    text = _("The code is accepted: issue %(issue)s is open to you in full.")
                else:
                    text = _("The code is accepted: issue %(issue)s is open to you in full until %(date)s.")
                messages.success(request, text % {"issue": issue.label, "date": day_label(grant.ends_at)})
                return redirect(issue.get_absolute_url() if issue.is_published else "readers:account")
    else:
        form = RedeemForm(initial={"code": request.GET.get("code", "")[:40]})
    return render(request, "issuecodes/redeem.html", {"form": form}, status=400 if form.is_bound else 200)
