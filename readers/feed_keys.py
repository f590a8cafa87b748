"""The secret of a reader's personal feed address (issue 15, "Private feeds").

The key is a bearer secret like a session key: whoever has the address reads what the reader may
read. It is kept on the reader so that the account page can show the address again, and it is found
by its SHA-256 digest (a unique index), then compared in constant time, so a lookup reveals nothing
of a key by its timing. A reset (readers.services.reader_feed_key_reset) replaces it: the old address
answers 404 at once.
"""

import hashlib
import secrets

KEY_BYTES = 32
# token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
KEY_LENGTH = 43


def feed_key_make():
    return secrets.token_urlsafe(KEY_BYTES)


def feed_key_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def reader_id_for_feed_key(key):
    """The id of the reader whose feed key is `key`, or None (one indexed query; none for a malformed key)."""
    from .models import Reader

    if not isinstance(key, str) or len(key) != KEY_LENGTH or not key.isascii():
        return None
    row = Reader.objects.filter(feed_key_digest=feed_key_digest(key)).values_list("pk", "feed_key").first()
    if row is None or not secrets.compare_digest(row[1].encode(), key.encode()):
        return None
    return row[0]
