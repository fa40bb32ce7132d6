"""Redis as the cache, and the helpdesk still served while Redis is away.

The cache holds nothing that cannot be lost (throttle counters, the reference data's version,
two-factor flags, form nonces), so a Redis that is down or unreachable must not turn every page
into an error 500. Django's RedisCache raises on a lost connection; this backend treats it as a
miss instead: a read gives the default, a write is dropped, `add` answers "not stored" (so the
print slots stay closed rather than unlimited) and `incr` answers "no such key" (which the callers
already handle). A warning is logged at most once a minute while it lasts. Django's own backend is
kept for everything else (a few lines here instead of another cache library: this is the only
behaviour we change).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 60  # seconds between two warnings while Redis stays away
_last_warning = [0.0]


def _warn(exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY:
        _last_warning[0] = now
        log.warning("cache: Redis is unreachable (%s); serving without the cache", exc)


def _tolerant(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCacheClient, name)(self, *args, **kwargs)
        except UNREACHABLE as exc:
            _warn(exc)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _missing_key(key, delta):
    raise ValueError(f"Key '{key}' not found.")


class TolerantRedisCacheClient(RedisCacheClient):
    add = _tolerant("add", lambda key, value, timeout: False)
    get = _tolerant("get", lambda key, default: default)
    set = _tolerant("set", lambda key, value, timeout: None)
    touch = _tolerant("touch", lambda key, timeout: False)
    delete = _tolerant("delete", lambda key: False)
    get_many = _tolerant("get_many", lambda keys: {})
    has_key = _tolerant("has_key", lambda key: False)
    incr = _tolerant("incr", _missing_key)
    set_many = _tolerant("set_many", lambda data, timeout: None)
    delete_many = _tolerant("delete_many", lambda keys: None)
    clear = _tolerant("clear", lambda: False)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
