"""The cache on Redis, which the site can do without when Redis is down.

``RedisCache`` is Django's Redis cache with the same API and one difference: when Redis
does not answer (a timeout, a refused connection), a read is a miss and a write does
nothing, so pages render uncached instead of failing. After such a failure the process
goes without Redis for ``RETRY_AFTER`` seconds (a circuit breaker, ``gmc.circuit``): a
page that asks the cache several times waits for the timeout once. Then one call tries
Redis again. One warning is logged when Redis stops answering, one line when it is back.

Two things must not simply go missing with it:

* Rate limits (allauth's sign-in, sign-up and reset limits count in the cache, under
  ``allauth:rl:``). Counting nothing would let password guessing run unchecked while
  Redis is down; refusing would lock everybody out (and is what a cache that only
  misses does: allauth takes a lock with ``add`` before counting, never gets it, and
  answers 429 to every sign-in). Keys starting with one of ``LOCAL_FALLBACK_PREFIXES``
  are therefore counted in this process's memory while Redis is down: the limits hold,
  per process (a site with three web processes lets through at most three times each
  limit). Once Redis answers, its own counts apply again, as they were.
* Invalidations. A ``set``, ``delete`` or ``incr`` that failed would leave the old value
  in Redis once it is back (a programme version not bumped, a page not removed). The
  process remembers the keys of those failed writes and deletes them before its first
  call that reaches Redis again, so their next read is a miss. Another process may read
  such a key before that happens; entries carry their own expiry in any case.

``incr`` of a key while Redis is down raises ``ValueError``, as for a missing key.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

from gmc.circuit import Breaker, breaker_for

# Redis not answering (timeouts, refused or lost connections, loading its data) or
# refusing writes (out of memory, a read-only replica after a failover). Any other
# error is a bug of ours and is raised.
REDIS_DOWN: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    OutOfMemoryError,
    ReadOnlyError,
)

# Failed writes remembered per process; beyond this many, further ones are not undone.
MAX_PENDING_DELETES = 10_000


class _Outage:
    """What every thread's cache object for one Redis shares in this process."""

    def __init__(self, location: str):
        self.breaker: Breaker = breaker_for("the cache", location)
        self.lock = threading.Lock()
        self.pending_deletes: set[str] = set()


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _false() -> bool:
    return False


def _none() -> None:
    return None


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        found = _outages.get(location)
        if found is None:
            found = _outages[location] = _Outage(location)
        return found


class _ReusedClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every call, and redis-py's constructor fills
    its tables of reply parsers each time: tens of microseconds, more than the round
    trip's own Python work, on every cache read of every request. A ``redis.Redis`` on
    a pool is safe to share between threads (each command takes a connection from the
    pool), so one per pool serves the process."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """Django's ``RedisCache``, treating an unanswering Redis as an empty cache.

    Two OPTIONS of its own (the others go to redis-py's connection pool, where
    ``socket_timeout`` and ``socket_connect_timeout`` bound each call):
    ``RETRY_AFTER`` (seconds without Redis after a failure, default 5) and
    ``LOCAL_FALLBACK_PREFIXES`` (keys counted in process memory while Redis is down).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.local_prefixes = tuple(options.pop("LOCAL_FALLBACK_PREFIXES", ()))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusedClient
        location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(location)
        # LocMemCache shares its store between objects of one name: one per process.
        self._local = LocMemCache(
            f"gmc-cache-fallback:{location}:{self.key_prefix}",
            {
                "TIMEOUT": self.default_timeout,
                "KEY_PREFIX": self.key_prefix,
                "VERSION": self.version,
                "KEY_FUNCTION": self.key_func,
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            },
        )

    # -- the guard ----------------------------------------------------------------------

    def _is_local(self, key) -> bool:
        return bool(self.local_prefixes) and str(key).startswith(self.local_prefixes)

    def _guarded(self, call, fallback, written=None):
        """``call()`` on Redis, or ``fallback()`` when Redis is down or being skipped.
        ``written()`` names the keys ``call`` would change, deleted once Redis is back."""
        outage = self._outage
        if not outage.breaker.allows(self.retry_after):
            self._remember(written)
            return fallback()
        try:
            self._undo_failed_writes()
            result = call()
        except REDIS_DOWN as error:
            outage.breaker.failed(error, self.retry_after)
            self._remember(written)
            return fallback()
        outage.breaker.succeeded()
        return result

    def _remember(self, written) -> None:
        keys = written() if written is not None else ()
        if not keys:
            return
        outage = self._outage
        with outage.lock:
            room = MAX_PENDING_DELETES - len(outage.pending_deletes)
            outage.pending_deletes.update(list(keys)[: max(room, 0)])

    def _undo_failed_writes(self) -> None:
        outage = self._outage
        if not outage.pending_deletes:
            return
        with outage.lock:
            keys, outage.pending_deletes = outage.pending_deletes, set()
        try:
            self._cache.delete_many(list(keys))
        except BaseException:
            with outage.lock:
                outage.pending_deletes.update(keys)
            raise

    # -- Django's cache API -------------------------------------------------------------

    def _fallback(self, key, local_call, otherwise):
        """What a call answers without Redis: ``local_call`` (the process's own store)
        for a key counted locally, ``otherwise`` for any other."""
        return local_call if self._is_local(key) else otherwise

    def _written(self, keys, version) -> list[str]:
        """The Redis keys of ``keys`` (those not counted locally), as a write names them."""
        return [
            self.make_and_validate_key(key, version=version)
            for key in keys
            if not self._is_local(key)
        ]

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.add(key, value, timeout, version),
            self._fallback(key, lambda: self._local.add(key, value, timeout, version), _false),
        )

    def get(self, key, default=None, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.get(key, default, version),
            self._fallback(key, lambda: self._local.get(key, default, version), lambda: default),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.set(key, value, timeout, version),
            self._fallback(key, lambda: self._local.set(key, value, timeout, version), _none),
            written=lambda: self._written([key], version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.touch(key, timeout, version),
            self._fallback(key, lambda: self._local.touch(key, timeout, version), _false),
        )

    def delete(self, key, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.delete(key, version),
            self._fallback(key, lambda: self._local.delete(key, version), _false),
            written=lambda: self._written([key], version),
        )

    def get_many(self, keys, version=None):
        parent, keys = super(), list(keys)
        local = [key for key in keys if self._is_local(key)]
        return self._guarded(
            lambda: parent.get_many(keys, version),
            lambda: self._local.get_many(local, version) if local else {},
        )

    def has_key(self, key, version=None):
        parent = super()
        return self._guarded(
            lambda: parent.has_key(key, version),
            self._fallback(key, lambda: self._local.has_key(key, version), _false),
        )

    def incr(self, key, delta=1, version=None):
        parent = super()

        def missing():
            raise ValueError(f"Key {key!r} not found (the cache is not answering).")

        return self._guarded(
            lambda: parent.incr(key, delta, version),
            self._fallback(key, lambda: self._local.incr(key, delta, version), missing),
            written=lambda: self._written([key], version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        parent = super()
        local = {key: value for key, value in data.items() if self._is_local(key)}

        def fallback():
            self._local.set_many(local, timeout, version)
            return [key for key in data if key not in local]

        return self._guarded(
            lambda: parent.set_many(data, timeout, version),
            fallback,
            written=lambda: self._written(data, version),
        )

    def delete_many(self, keys, version=None):
        parent, keys = super(), list(keys)
        if not keys:
            return
        local = [key for key in keys if self._is_local(key)]
        self._guarded(
            lambda: parent.delete_many(keys, version),
            lambda: self._local.delete_many(local, version),
            written=lambda: self._written(keys, version),
        )

    def clear(self):
        parent = super()
        self._local.clear()
        return self._guarded(parent.clear, _false)
