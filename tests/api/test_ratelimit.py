"""The request budget on every storage it runs on (process memory, Redis): a fixed window per
identity, the same answers from both."""

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
from limits.aio.storage import MemoryStorage, RedisStorage, Storage

from api.ratelimit import RateDecision, RateLimiter


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
