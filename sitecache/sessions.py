"""Django's cached_db sessions, the cached copy read with the request's first round trip.

SESSION_ENGINE = "sitecache.sessions": a request with a session cookie reads its session from the
shared cache in the same round trip as the epoch and the topics every page shows
(`topics.register_first_read`), not in one of its own. Everything else (the database behind the
cache, saving, expiry, cycling the key) is Django's.
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db

from sitecache.topics import first_read


class SessionStore(cached_db.SessionStore):
    def load(self):
        if self.session_key is None:
            return {}
        try:
            data = first_read(self.cache_key, self._cache.get)
        except Exception:  # as Django's: a backend refusing the key resets the session
            data = None
        if data is not None:
            return data
        session = self._get_session_from_db()
        if not session:
            return {}
        data = self.decode(session.session_data)
        self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        return data


def session_cache_keys(request):
    """The cache key of the session the request's cookie names (none without a well-formed one)."""
    store = SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    return [store.cache_key] if store.session_key is not None else []
