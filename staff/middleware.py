import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from .audit import Kind, audit_record
from .context import current_request
from .sessions import session_forget, session_idle_expired, session_touch
from .twofactor import session_is_verified


class StaffSessionMiddleware:
    """Staff sessions: end them after STAFF_SESSION_IDLE_SECONDS idle, and give no staff rights before
    the second factor: admin pages send such a session to the second-factor step, public pages treat
    it as a reader (no drafts, no paywalled text).

    Also makes the request available to model signals (staff/context.py) for the audit log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.check(request) or self.get_response(request)
        finally:
            current_request.reset(token)

    def check(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:  # a reader without a session: no query
            return None
        user = request.user
        if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
            return None
        now = time.time()
        if session_idle_expired(request, now=now):
            audit_record(Kind.SESSION_EXPIRED, user=user, request=request, detail="idle")
            session_forget(request.session.session_key)
            request.session.flush()
            request.user = AnonymousUser()
            return None
        session_touch(request, user, now=now)
        if session_is_verified(request) or request.path.startswith(reverse("staff:verify")):
            return None
        if request.path.startswith(reverse("admin:index")):
            return redirect_to_login(request.get_full_path(), reverse("staff:verify"))
        request.user = AnonymousUser()
        return None
