"""Staff sessions: tracked at sign-in, touched while used, ended after inactivity or on demand."""

import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from guards.ratelimit import client_ip

from .context import current_request
from .models import StaffSession

LAST_SEEN_KEY = "staff_last_seen"
TOUCH_EVERY_SECONDS = 60  # at most one write a minute per session for "last seen"


def _store(session_key):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def active_sessions():
    """Tracked sessions used within the idle limit (older ones have expired)."""
    since = timezone.now() - timedelta(seconds=settings.STAFF_SESSION_IDLE_SECONDS)
    return StaffSession.objects.filter(last_seen_at__gte=since)


def session_track(request, user, *, is_verified=False):
    """Remember this session of `user` and make it expire after STAFF_SESSION_IDLE_SECONDS idle."""
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    request.session[LAST_SEEN_KEY] = time.time()
    if request.session.session_key is None:
        request.session.save()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request)[:64],
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "is_verified": is_verified,
            "last_seen_at": timezone.now(),
        },
    )


def session_key_renew(request):
    """Give the session a new key (its privileges just grew) and move its tracking row along."""
    old_key = request.session.session_key
    request.session.cycle_key()
    moved = StaffSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key, is_verified=True, last_seen_at=timezone.now()
    )
    if not moved:
        session_track(request, request.user, is_verified=True)


def session_idle_expired(request, *, now):
    last_seen = request.session.get(LAST_SEEN_KEY)
    return last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS


def session_touch(request, user, *, now):
    """Note that the session is in use, writing at most once a minute."""
    last_seen = request.session.get(LAST_SEEN_KEY)
    if last_seen is not None and now - last_seen < TOUCH_EVERY_SECONDS:
        return
    request.session[LAST_SEEN_KEY] = now
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    key = request.session.session_key
    if not key or not StaffSession.objects.filter(session_key=key).update(last_seen_at=timezone.now()):
        session_track(request, user, is_verified=user.is_verified())


def session_forget(session_key):
    StaffSession.objects.filter(session_key=session_key).delete()


def session_end(staff_session):
    """End one tracked session: its holder is signed out at their next request."""
    _store(staff_session.session_key).delete()
    staff_session.delete()


def current_session_key():
    request = current_request.get()
    return request.session.session_key if request is not None and hasattr(request, "session") else None


def sessions_end(user, *, keep=None):
    """End every tracked session of `user` except the session with key `keep`; return how many."""
    ended = 0
    for staff_session in StaffSession.objects.filter(user=user).exclude(session_key=keep or ""):
        session_end(staff_session)
        ended += 1
    return ended
