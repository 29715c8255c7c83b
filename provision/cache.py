"""Django's Redis cache, made to treat an unreachable Redis as an empty cache.

Everything this project caches can be worked out again (figures, charts) or is also in the database (sessions
with the ``cached_db`` engine), so a Redis that is restarting or out of reach should make pages slower, not
fail them. Each call that cannot reach Redis logs a warning and answers as a miss (or does nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _missing_is(fallback: Callable[..., Any]):
    """Wrap a cache method so that an unreachable Redis gives ``fallback(*args, **kwargs)`` instead."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                logger.warning("Redis cache unreachable (%s): %s", method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _missing_is(_default)(RedisCache.get)
    get_many = _missing_is(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _missing_is(lambda *a, **k: False)(RedisCache.has_key)
    add = _missing_is(lambda *a, **k: False)(RedisCache.add)
    set = _missing_is(lambda *a, **k: None)(RedisCache.set)
    set_many = _missing_is(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _missing_is(lambda *a, **k: False)(RedisCache.touch)
    delete = _missing_is(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _missing_is(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _missing_is(lambda *a, **k: False)(RedisCache.clear)
