"""Cache-based rate limits: fixed windows counted in the configured cache (locmem or Redis)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For entry when TRUSTED_PROXIES > 0."""
    hops = getattr(settings, "TRUSTED_PROXIES", 0)
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def current_window(window):
    """The number of the fixed window of `window` seconds that holds this moment."""
    return int(timezone.now().timestamp() // window)


def hit(scope, key, *, limit, window):
    """Count one hit for (scope, key) in the current window; return True while within `limit`.

    `window` is in seconds. Keys are hashed, so emails or addresses never appear in the cache as text.
    """
    if limit <= 0:
        return True
    bucket = current_window(window)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit
