"""The per-key budget: a fixed one-minute window per API key id."""

from datetime import UTC, datetime, timedelta

from api.ratelimit import RateLimiter

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_budget_counts_down_then_refuses_with_retry_after() -> None:
    limiter = RateLimiter(2)
    first, second, third = (limiter.hit("k1", START) for _ in range(3))
    assert (first.allowed, first.remaining) == (True, 1)
    assert (second.allowed, second.remaining) == (True, 0)
    assert not third.allowed
    assert third.headers() == {
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "60",
        "Retry-After": "60",
    }


def test_each_key_has_its_own_budget() -> None:
    limiter = RateLimiter(1)
    assert limiter.hit("k1", START).allowed
    assert limiter.hit("k2", START).allowed
    assert not limiter.hit("k1", START).allowed


def test_budget_is_restored_when_the_window_ends() -> None:
    limiter = RateLimiter(1)
    limiter.hit("k1", START)
    assert limiter.hit("k1", START + timedelta(seconds=59)).reset_seconds == 1
    assert limiter.hit("k1", START + timedelta(seconds=60)).allowed


def test_allowed_answer_has_no_retry_after() -> None:
    assert "Retry-After" not in RateLimiter(5).hit("k1", START).headers()
