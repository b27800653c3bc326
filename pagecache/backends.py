"""
Django's Redis cache backend, reusing one redis-py client per connection pool.

``django.core.cache.backends.redis.RedisCache`` builds a new ``redis.Redis``
object (and its table of ~170 response callbacks) for every cache call; on a
page served from the cache that is most of the time spent outside the
network. redis-py clients are thread-safe and cheap to share, so this backend
keeps one per pool. Everything else (serializer, pools, options) is Django's.

``CACHE_ERRORS`` is what a cache call raises when Redis cannot be reached (or
answers too slowly: REDIS_TIMEOUT_SECONDS). The site keeps working without
it: the page cache steps aside (pagecache.middleware), comments are taken with
the duplicate check done in the database only (comments.spam).
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError
from redis.exceptions import RedisError

# Redis away, or the database behind Django's database cache (the default
# without REDIS_URL) away: the view then answers with the outage page.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, DatabaseError)


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
