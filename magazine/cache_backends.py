"""Django's Redis cache, keeping one client object per connection pool.

Django builds a new `redis.Redis` for every cache call; its constructor fills a table of about
two hundred response callbacks, which cost more than the round trip to Redis on loopback. The
client is thread-safe and only wraps the pool, so one per pool serves the whole process.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
