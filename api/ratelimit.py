"""Request budgets: a fixed window of requests per identity (an API key id, a client address),
counted by the `limits` package in storage every API process shares.

With a Redis broker the counters live in that Redis, so `intent serve --workers N` gives each
identity its budget once, not N times; without a broker (one process) they live in memory.
Identities come from the authenticated key or the socket peer, never from a header the client
sets, so forwarding headers change nothing. When the shared storage fails (Redis down), budgets
are counted in this process for a while and a warning is logged: the API keeps answering.
"""

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.errors import StorageError
from litestar.types import Scope

from jobs.settings import Settings

WINDOW_SECONDS: Final = 60
_DECISION_KEY: Final = "rate_decision"
_REDIS_SCHEMES: Final = ("redis://", "rediss://")
FALLBACK_SECONDS: Final = 5.0  # after a shared storage error, count locally this long
REDIS_TIMEOUT_SECONDS: Final = 0.5  # a request waits at most this for the shared count

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window ends

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


def shared_storage(settings: Settings) -> Storage:
    """Where budgets are counted: the broker's Redis when there is one, else this process."""
    if settings.broker_url.startswith(_REDIS_SCHEMES):
        return RedisStorage(
            f"async+{settings.broker_url}",
            implementation="redispy",
            wrap_exceptions=True,  # every failure of the storage is a StorageError
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
    return MemoryStorage()


class RateLimiter:
    """`limit` requests per window for each identity, under `namespace` in `storage` (one
    deployment's queue name keeps its counters apart from another's in a shared Redis).
    For the tasks of one event loop (an app's).

    A storage that fails (a StorageError: Redis down or too slow) does not fail the request:
    budgets are counted in this process's memory for FALLBACK_SECONDS, then the storage is
    tried again. Like the fault-tolerant mode of API gateways (Kong's `fault_tolerant`, Envoy's
    rate limit filter without `failure_mode_deny`), an outage of the counter's storage does not
    become an outage of the API; budgets are then per process, so N processes allow up to N
    times the limit until the storage is back. `clock` is monotonic seconds."""

    def __init__(
        self,
        limit: int,
        storage: Storage,
        namespace: str,
        *,
        window_seconds: int = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self._item = RateLimitItemPerSecond(limit, window_seconds, namespace=namespace)
        self._namespace = namespace
        self._window = window_seconds
        self._storage = storage
        self._local = MemoryStorage()
        self._clock = clock
        self._local_until: float | None = None  # counting locally until then (storage failed)

    async def hit(self, identity: str) -> RateDecision:
        """Charge one request to `identity`; refused once its window's budget is spent.

        The fixed-window strategy of `limits` (an atomic increment that starts the window's
        expiry), read through the storage so that the count comes back with the increment."""
        key = self._item.key_for(identity)

        async def charge(storage: Storage) -> tuple[int, float]:
            return await storage.incr(key, self._window), await storage.get_expiry(key)

        return self._decision(*await self._counted(charge), headroom=0)

    async def peek(self, identity: str) -> RateDecision:
        """What `identity` has left, without charging it: `allowed` is False once the budget is
        spent, so that work a request would cost can be refused before it is done."""
        key = self._item.key_for(identity)

        async def read(storage: Storage) -> tuple[int, float]:
            count = await storage.get(key)
            return count, (await storage.get_expiry(key) if count else 0.0)

        return self._decision(*await self._counted(read), headroom=1)

    async def _counted(
        self, count: Callable[[Storage], Awaitable[tuple[int, float]]]
    ) -> tuple[int, float]:
        """`count` on the shared storage, or on this process's while the shared one is failing."""
        if self._local_until is not None and self._clock() < self._local_until:
            return await count(self._local)
        try:
            found = await count(self._storage)
        except StorageError as exc:
            self._fall_back(exc)
            return await count(self._local)
        if self._local_until is not None:
            self._local_until = None
            log.warning(
                "rate limit storage reachable again: %s budgets are shared again", self._namespace
            )
        return found

    def _decision(self, count: int, reset_at: float, headroom: int) -> RateDecision:
        """`headroom` 1 asks whether one more request would still be allowed."""
        reset = min(self._window, max(1, math.ceil(reset_at - time.time())))
        allowed = count + headroom <= self.limit
        return RateDecision(allowed, self.limit, max(0, self.limit - count), reset)

    def _fall_back(self, exc: StorageError) -> None:
        if self._local_until is None:
            log.warning(
                "rate limit storage failed (%s): counting %s budgets in this process; "
                "trying it again every %g s",
                exc.storage_error,
                self._namespace,
                FALLBACK_SECONDS,
            )
        self._local_until = self._clock() + FALLBACK_SECONDS


def keep_decision(scope: Scope, decision: RateDecision) -> None:
    """Remember the budget a request was charged to, for its response headers."""
    scope.setdefault("state", {})[_DECISION_KEY] = decision


def decision_of(scope: Scope) -> RateDecision | None:
    decision = scope.get("state", {}).get(_DECISION_KEY)
    return decision if isinstance(decision, RateDecision) else None
