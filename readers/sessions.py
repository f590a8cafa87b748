"""A reader in the session: [reader id, session generation], checked against the row on every request.

Raising the reader's `session_generation` ends every session made before (sign out everywhere);
deleting the reader ends them too. Staff sign-in (django.contrib.auth) shares the session and is
left alone by all of this.
"""

from django.conf import settings

from sitecache import mark_private

from .cached import reader_with_grants, signed_in_with
from .models import AnonymousReader

SESSION_KEY = "readers:reader"


def session_reader(request):
    """The reader signed in on `request`, or an AnonymousReader; an ended session is forgotten.

    A request without a session cookie never opens the session store (an anonymous page stays
    shareable). The reader comes from the shared cache with their grants (readers.cached). A
    signed-in reader's answer is private (sitecache.mark_private).
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return AnonymousReader()
    value = request.session.get(SESSION_KEY)
    match value:
        case [int() as pk, int() as generation]:
            reader = reader_with_grants(pk)
            if reader is not None and reader.session_generation != generation:
                reader = None
        case _:
            reader = None
    if reader is None:
        if value is not None:
            del request.session[SESSION_KEY]
        return AnonymousReader()
    mark_private(request)
    signed_in_with(request, reader.pk)
    return reader


def session_sign_in(request, reader):
    """Sign `reader` in on this browser: a new session key (no fixation), kept READERS_SESSION_DAYS."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = [reader.pk, reader.session_generation]
    request.session.set_expiry(settings.READERS_SESSION_DAYS * 24 * 3600)
    request.reader = reader
    mark_private(request)


def session_sign_out(request):
    """Sign the reader out of this browser only; a staff sign-in in the same browser stays."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    request.reader = AnonymousReader()
