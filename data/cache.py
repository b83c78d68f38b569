"""The cache interface shared by every memoised query.

``MemoryCache`` serves one process. A shared backend (Redis, when
``REDIS_URL`` is set) implements the same two methods. Keys always include the
data fingerprint, so a changed data set never serves stale results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol


class Cache(Protocol):
    def get(self, key: Hashable) -> Any | None: ...

    def set(self, key: Hashable, value: Any) -> None: ...


def approx_bytes(value: Any, depth: int = 0) -> int:
    """A cheap estimate of what a cached value holds (arrays and frames dominate)."""
    import dataclasses

    import numpy as np
    import pandas as pd

    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(index=True, deep=False))
    if depth < 3 and isinstance(value, (list, tuple)):
        return 64 + sum(approx_bytes(v, depth + 1) for v in value[:1000])
    if depth < 3 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 256 + sum(approx_bytes(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return 256


class MemoryCache:
    """A thread-safe LRU of Python objects, bounded by item count and by (estimated) bytes."""

    def __init__(self, max_items: int = 512, max_bytes: int = 48 * 1024 * 1024):
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._total = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return None

    def set(self, key: Hashable, value: Any) -> None:
        size = approx_bytes(value)
        if size > self.max_bytes // 4:  # one huge value must not flush everything else
            return
        with self._lock:
            if key in self._data:
                self._total -= self._sizes.pop(key, 0)
            self._data[key] = value
            self._sizes[key] = size
            self._total += size
            self._data.move_to_end(key)
            while len(self._data) > self.max_items or self._total > self.max_bytes:
                old, _ = self._data.popitem(last=False)
                self._total -= self._sizes.pop(old, 0)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._sizes.clear()
            self._total = 0

    def stats(self) -> dict:
        return {"backend": "memory", "hits": self.hits, "misses": self.misses}


def memoised(cache: Cache, key: Hashable, compute: Callable[[], Any]) -> Any:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


class RedisCache:
    """A cache shared by every worker and machine: Redis behind a small per-process LRU.

    Values are pickled (they are our own frames and dataclasses, never user
    input). Keys are hashed and carry a prefix; entries expire after ``ttl``
    seconds. A Redis outage never breaks a page: the value is computed again.
    """

    def __init__(self, url: str, prefix: str = "asker-u4ssc:", ttl: int = 24 * 3600, local_items: int = 128,
                 max_bytes: int = 64 * 1024 * 1024):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix, self.ttl, self.max_bytes = prefix, ttl, max_bytes
        self.local = MemoryCache(local_items)
        self.hits = 0  # served from Redis (computed by this or another process)
        self.misses = 0
        self.errors = 0

    def _key(self, key: Hashable) -> str:
        import hashlib

        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()[:40]

    def get(self, key: Hashable) -> Any | None:
        value = self.local.get(key)
        if value is not None:
            return value
        import pickle

        try:
            raw = self._redis.get(self._key(key))
        except Exception:
            self.errors += 1
            return None
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        value = pickle.loads(raw)
        self.local.set(key, value)
        return value

    def set(self, key: Hashable, value: Any) -> None:
        import pickle

        self.local.set(key, value)
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(raw) > self.max_bytes:
            return
        try:
            self._redis.set(self._key(key), raw, ex=self.ttl)
        except Exception:
            self.errors += 1

    def stats(self) -> dict:
        return {"backend": "redis", "hits": self.hits, "misses": self.misses, "errors": self.errors}
