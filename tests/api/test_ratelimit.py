"""The request budget on every storage it runs on (process memory, Redis): a fixed window per
identity, the same answers from both."""

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.errors import StorageError

from api.ratelimit import FALLBACK_SECONDS, RateDecision, RateLimiter


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def storage(request: pytest.FixtureRequest) -> Iterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage()
        return
    url = request.getfixturevalue("redis_url")
    yield RedisStorage(f"async+{url}", implementation="redispy")


_LOOP = asyncio.new_event_loop()  # one loop for all: a Redis client stays on the loop it met


def _hits(limiter: RateLimiter, identity: str, times: int) -> list[RateDecision]:
    async def hit_all() -> list[RateDecision]:
        return [await limiter.hit(identity) for _ in range(times)]

    return _LOOP.run_until_complete(hit_all())


def _limiter(storage: Storage, limit: int, window_seconds: int = 60) -> RateLimiter:
    return RateLimiter(limit, storage, f"test-{uuid.uuid4().hex}", window_seconds=window_seconds)


def test_budget_counts_down_then_refuses_with_retry_after(storage: Storage) -> None:
    first, second, third = _hits(_limiter(storage, 2), "k1", 3)
    assert (first.allowed, first.remaining) == (True, 1)
    assert (second.allowed, second.remaining) == (True, 0)
    assert not third.allowed
    assert third.headers() == {
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "60",
        "Retry-After": "60",
    }


def test_each_identity_has_its_own_budget(storage: Storage) -> None:
    limiter = _limiter(storage, 1)
    assert _hits(limiter, "k1", 1)[0].allowed
    assert _hits(limiter, "k2", 1)[0].allowed
    assert not _hits(limiter, "k1", 1)[0].allowed


def test_budget_is_restored_when_the_window_ends(storage: Storage) -> None:
    limiter = _limiter(storage, 1, window_seconds=1)
    assert [d.allowed for d in _hits(limiter, "k1", 2)] == [True, False]
    deadline = time.monotonic() + 5
    while not _hits(limiter, "k1", 1)[0].allowed:
        assert time.monotonic() < deadline, "the budget never came back"
        time.sleep(0.1)


def test_allowed_answer_has_no_retry_after(storage: Storage) -> None:
    assert "Retry-After" not in _hits(_limiter(storage, 5), "k1", 1)[0].headers()


class Failing(MemoryStorage):
    """Memory storage that fails, while `down`, as Redis does when it is unreachable."""

    down = True

    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        if self.down:
            raise StorageError(ConnectionError("Connection refused"))
        return await super().incr(key, expiry, amount)


class Ticks:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_failing_storage_leaves_budgets_counted_in_the_process() -> None:
    limiter = RateLimiter(2, Failing(), "test", clock=Ticks())
    assert [d.allowed for d in _hits(limiter, "k1", 3)] == [True, True, False]


def test_the_shared_storage_is_tried_again_after_the_fallback_period() -> None:
    storage, ticks = Failing(), Ticks()
    limiter = RateLimiter(5, storage, "test", clock=ticks)
    _hits(limiter, "k1", 1)
    storage.down = False
    ticks.now = FALLBACK_SECONDS - 0.1
    _hits(limiter, "k1", 1)
    assert _LOOP.run_until_complete(storage.get(limiter._item.key_for("k1"))) == 0
    ticks.now = FALLBACK_SECONDS
    assert _hits(limiter, "k1", 1)[0].remaining == 4  # the shared count starts afresh
    assert _LOOP.run_until_complete(storage.get(limiter._item.key_for("k1"))) == 1
