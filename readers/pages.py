"""What every reader page shares, in readers and in the ways-in apps (issuecodes, printsubscribers):
the guard that sends a visitor to sign in, and the answer to a visitor over a rate limit."""

from functools import wraps

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode


def rate_limited(request, message, window):
    response = render(request, "readers/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(window)
    return response


def reader_required(view):
    """Send a visitor who is not signed in as a reader to the sign-in page, and back here after."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.reader.is_authenticated:
            return redirect(f"{reverse('readers:sign-in')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
