"""The bounded cache under the key, run and page caches: budget, eviction order, expiry, and one
load per key at a time."""

import threading
from dataclasses import dataclass

from api.bounded_cache import BoundedCache


@dataclass
class FakeTicker:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_entry_goes_first_when_the_budget_is_spent() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_weight_never_passes_the_budget() -> None:
    cache: BoundedCache[int, bytes] = BoundedCache(100, weigh=len)
    for size in [30, 50, 10, 90, 5, 60, 100]:
        cache.put(size, bytes(size))
        assert cache.weight == sum(len(cache.get(k) or b"") for k in range(101)) <= 100


def test_value_heavier_than_the_whole_budget_is_not_kept() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(10, weigh=len)
    cache.put("small", b"12345")
    cache.put("big", bytes(11))
    assert (cache.get("big"), cache.get("small")) == (None, b"12345")


def test_entry_expires_its_ttl_after_it_was_stored() -> None:
    ticker = FakeTicker()
    cache: BoundedCache[str, int] = BoundedCache(10, ttl=5.0, ticker=ticker)
    cache.put("a", 1)
    ticker.now += 4.9
    assert cache.get("a") == 1
    ticker.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0


def test_clear_empties_the_cache() -> None:
    cache: BoundedCache[str, bytes] = BoundedCache(10, weigh=len)
    cache.put("a", b"123")
    cache.clear()
    assert (cache.get("a"), cache.weight) == (None, 0)


class CountingCache(BoundedCache[str, int]):
    """Tells waiters how many lookups were made."""

    def __init__(self) -> None:
        super().__init__(10)
        self.gets = 0
        self.changed = threading.Condition()

    def get(self, key: str) -> int | None:
        with self.changed:
            self.gets += 1
            self.changed.notify_all()
        return super().get(key)


def test_callers_missing_one_key_together_wait_for_a_single_load() -> None:
    callers = 6
    cache = CountingCache()
    loads: list[int] = []

    def load() -> int:
        # Every caller has missed once, and the loading one looked again under the lock.
        with cache.changed:
            assert cache.changed.wait_for(lambda: cache.gets >= callers + 1, timeout=10)
        loads.append(1)
        return 42

    threads = [threading.Thread(target=cache.get_or_load, args=("k", load)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (loads, cache.get("k")) == ([1], 42)
