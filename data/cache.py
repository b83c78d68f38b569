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


class MemoryCache:
    """A thread-safe LRU of Python objects."""

    def __init__(self, max_items: int = 512):
        self.max_items = max_items
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
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
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_items:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def memoised(cache: Cache, key: Hashable, compute: Callable[[], Any]) -> Any:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value
