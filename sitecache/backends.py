"""Cache backends: one file every process of the machine shares (the default), and Redis (several machines).

`SQLiteCache` is the embedded default. Every process of one machine (gunicorn workers, the task
worker, `manage.py` commands) opens the same SQLite file, so they see one content version, one set
of pages and fragments and one count per rate limit or lockout. It needs no server and survives
restarts. Counters are stored as integers and moved by one UPDATE, so `incr` is atomic across
processes; anything else is pickled. A write that cannot get the file's lock within the timeout
raises instead of being dropped: a lost version move would serve a stale page (or a paywalled
text), which is worse than an error someone sees.

`RedisCache` is Django's, keeping one client object per connection pool: Django builds a new
`redis.Redis` for every cache call, whose constructor fills a table of about two hundred response
callbacks, costing more than the round trip to Redis on loopback.

Both add `add_many` (a topic's first version: sitecache.topics) and skip memcached's key checks.
"""

import os
import pickle
import sqlite3
import threading
import time
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache, RedisCacheClient

FOREVER = 2.0**62  # the expiry time of a value kept without timeout
SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cache_expires ON cache (expires);
"""


class OwnKeys:
    """Keys need no portability check: BaseCache scans every key for what memcached refuses (length,
    spaces), about 150 keys a page here, and neither SQLite nor Redis refuses any of it."""

    def validate_key(self, key):
        pass


class SQLiteCache(OwnKeys, BaseCache):
    """A cache in one SQLite file (LOCATION), shared by every process that opens it.

    OPTIONS: MAX_ENTRIES (default 20 000; past it the entries closest to expiry are dropped),
    CULL_EVERY (expired entries are swept every this many writes of a process, default 200) and
    TIMEOUT_SECONDS (how long a write waits for the file's lock, default 10).
    """

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.path = Path(location)
        self.max_entries = int(options.get("MAX_ENTRIES", params.get("MAX_ENTRIES", 20_000)))
        self.cull_every = int(options.get("CULL_EVERY", 200))
        self.lock_timeout = float(options.get("TIMEOUT_SECONDS", 10))
        self._local = threading.local()
        self._writes = 0

    # Connections: one per thread and process (a forked worker opens its own).

    def _connection(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection, local.pid = self._connect(), os.getpid()
        return local.connection

    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        connection = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
        if fresh:
            os.chmod(self.path, 0o600)  # pickled values: only the site's own user may write them
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executescript(SCHEMA)
        return connection

    def _expiry(self, timeout):
        timeout = self.get_backend_timeout(timeout)
        return FOREVER if timeout is None else timeout

    @staticmethod
    def _encode(value):
        # Integers stay integers in the file, so that incr() is one atomic UPDATE.
        if type(value) is int and -(2**63) <= value < 2**63:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _decode(value):
        return value if type(value) is int else pickle.loads(value)

    # Reads.

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._connection()
            .execute("SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return default if row is None else self._decode(row[0])

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not names:
            return {}
        marks = ",".join("?" * len(names))
        rows = self._connection().execute(
            f"SELECT key, value FROM cache WHERE key IN ({marks}) AND expires > ?", [*names, time.time()]
        )
        return {names[key]: self._decode(value) for key, value in rows}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._connection()
            .execute("SELECT 1 FROM cache WHERE key = ? AND expires > ?", (key, time.time()))
            .fetchone()
        )
        return row is not None

    # Writes.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        expires = self._expiry(timeout)
        rows = [
            (self.make_and_validate_key(key, version=version), self._encode(value), expires)
            for key, value in data.items()
        ]
        if rows:
            self._connection().executemany(
                "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
                rows,
            )
            self._wrote(len(rows))
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._connection().execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE cache.expires <= ?",
            (key, self._encode(value), self._expiry(timeout), time.time()),
        )
        self._wrote(1)
        return cursor.rowcount == 1

    def add_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """`add()` of each of `data`'s keys; {key: what it holds now}, whoever set it."""
        expires, now = self._expiry(timeout), time.time()
        rows = [
            (self.make_and_validate_key(key, version=version), self._encode(value), expires, now)
            for key, value in data.items()
        ]
        if rows:
            self._connection().executemany(
                "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
                "WHERE cache.expires <= ?",
                rows,
            )
            self._wrote(len(rows))
        return self.get_many(data, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._connection().execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND expires > ?",
            (self._expiry(timeout), key, time.time()),
        )
        return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        name = self.make_and_validate_key(key, version=version)
        row = (
            self._connection()
            .execute(
                "UPDATE cache SET value = value + ? "
                "WHERE key = ? AND expires > ? AND typeof(value) = 'integer' RETURNING value",
                (delta, name, time.time()),
            )
            .fetchone()
        )
        if row is None:
            if self.has_key(key, version=version):
                raise TypeError(f"The value of {key!r} is not an integer.")
            raise ValueError(f"Key {key!r} not found.")
        return row[0]

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._connection().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount == 1

    def delete_many(self, keys, version=None):
        names = [(self.make_and_validate_key(key, version=version),) for key in keys]
        self._connection().executemany("DELETE FROM cache WHERE key = ?", names)

    def clear(self):
        self._connection().execute("DELETE FROM cache")

    def close(self, **kwargs):
        # Called at the end of every request: the connection is kept (it is cheap to hold, dear to open).
        pass

    def _wrote(self, count):
        """Every CULL_EVERY writes of this process: sweep expired entries, then keep MAX_ENTRIES at most."""
        self._writes += count
        if self._writes < self.cull_every:
            return
        self._writes = 0
        connection = self._connection()
        connection.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))
        (total,) = connection.execute("SELECT COUNT(*) FROM cache").fetchone()
        if total > self.max_entries:
            connection.execute(
                "DELETE FROM cache WHERE key IN (SELECT key FROM cache ORDER BY expires LIMIT ?)",
                (total - self.max_entries + self.max_entries // 10,),
            )


class ReusedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]

    def add_many(self, data, timeout):
        """SET NX then GET of each key, in one round trip: {key: what it holds now}."""
        pipeline = self.get_client(None, write=True).pipeline(transaction=False)
        for key, value in data.items():
            pipeline.set(key, self._serializer.dumps(value), ex=timeout, nx=True)
            pipeline.get(key)
        held = zip(data, pipeline.execute()[1::2], strict=True)
        return {key: self._serializer.loads(value) for key, value in held if value is not None}


class RedisCache(OwnKeys, DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def add_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """`add()` of each of `data`'s keys, in one round trip; {key: what it holds now}, whoever set it."""
        keys = {self.make_and_validate_key(key, version=version): key for key in data}
        held = self._cache.add_many(
            {name: data[key] for name, key in keys.items()}, self.get_backend_timeout(timeout)
        )
        return {keys[name]: value for name, value in held.items()}
