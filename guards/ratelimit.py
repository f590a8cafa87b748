"""Cache-based rate limits: fixed windows counted in the configured cache (locmem or Redis)."""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For entry when TRUSTED_PROXIES > 0
    (and, if TRUSTED_PROXY_ADDRESSES lists networks, the connection comes from one of them)."""
    hops = getattr(settings, "TRUSTED_PROXIES", 0)
    if hops and from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def from_trusted_proxy(address):
    """True when `address` (REMOTE_ADDR) may speak for the client: any address if
    TRUSTED_PROXY_ADDRESSES is empty, else only one in its networks."""
    networks = getattr(settings, "TRUSTED_PROXY_ADDRESSES", ())
    if not networks:
        return True
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(found in ipaddress.ip_network(network, strict=False) for network in networks)


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
