"""A thread-safe least-recently-used map held under a weight budget, entries optionally expiring.

Result pages keep encoded row groups in one (weighed in bytes), authentication keeps keys in one.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Ticker = Callable[[], float]  # seconds on a clock that never goes back (time.monotonic)

_LOAD_STRIPES: Final = 64  # loads of different keys mostly run at once; of one key, once


class BoundedCache(Generic[K, V]):
    """At most `budget` in total `weigh(value)`; the least recently used go first. A value
    weighing more than the whole budget is never kept. With `ttl`, an entry expires that many
    seconds after it was stored."""

    def __init__(
        self,
        budget: int,
        weigh: Callable[[V], int] = lambda _: 1,
        *,
        ttl: float | None = None,
        ticker: Ticker = time.monotonic,
    ) -> None:
        self.budget = budget
        self._weigh = weigh
        self._ttl = ttl
        self._ticker = ticker
        self._entries: OrderedDict[K, tuple[float, int, V]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self._loading = [threading.Lock() for _ in range(_LOAD_STRIPES)]

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._ticker():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: K, value: V) -> None:
        weight = self._weigh(value)
        expires = self._ticker() + self._ttl if self._ttl is not None else float("inf")
        with self._lock:
            self._drop(key)
            if weight > self.budget:
                return
            self._entries[key] = (expires, weight, value)
            self._weight += weight
            while self._weight > self.budget:
                self._drop(next(iter(self._entries)))

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        """The cached value, else `load()`'s, stored; concurrent callers for one key wait for
        a single load instead of each running their own."""
        found = self.get(key)
        if found is not None:
            return found
        with self._loading[hash(key) % _LOAD_STRIPES]:
            found = self.get(key)
            if found is None:
                found = load()
                self.put(key, found)
            return found

    def discard(self, key: K) -> None:
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._weight = 0

    def _drop(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._weight -= entry[1]
