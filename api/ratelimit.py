"""Request budgets: a fixed window of requests per identity (an API key id, a client address),
counted by the `limits` package in storage every API process shares.

With a Redis broker the counters live in that Redis, so `intent serve --workers N` gives each
identity its budget once, not N times; without a broker (one process) they live in memory.
Identities come from the authenticated key or the socket peer, never from a header the client
sets, so forwarding headers change nothing.
"""

import math
import time
from dataclasses import dataclass
from typing import Final

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from litestar.types import Scope

from jobs.settings import Settings

WINDOW_SECONDS: Final = 60
_DECISION_KEY: Final = "rate_decision"
_REDIS_SCHEMES: Final = ("redis://", "rediss://")


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
        return RedisStorage(f"async+{settings.broker_url}", implementation="redispy")
    return MemoryStorage()


class RateLimiter:
    """`limit` requests per window for each identity, under `namespace` in `storage` (one
    deployment's queue name keeps its counters apart from another's in a shared Redis).
    For the tasks of one event loop (an app's)."""

    def __init__(
        self,
        limit: int,
        storage: Storage,
        namespace: str,
        *,
        window_seconds: int = WINDOW_SECONDS,
    ) -> None:
        self.limit = limit
        self._item = RateLimitItemPerSecond(limit, window_seconds, namespace=namespace)
        self._window = window_seconds
        self._storage = storage

    async def hit(self, identity: str) -> RateDecision:
        """Charge one request to `identity`; refused once its window's budget is spent.

        The fixed-window strategy of `limits` (an atomic increment that starts the window's
        expiry), read through the storage so that the count comes back with the increment."""
        key = self._item.key_for(identity)
        count = await self._storage.incr(key, self._window)
        reset_at = await self._storage.get_expiry(key)
        reset = min(self._window, max(1, math.ceil(reset_at - time.time())))
        return RateDecision(count <= self.limit, self.limit, max(0, self.limit - count), reset)


def keep_decision(scope: Scope, decision: RateDecision) -> None:
    """Remember the budget a request was charged to, for its response headers."""
    scope.setdefault("state", {})[_DECISION_KEY] = decision


def decision_of(scope: Scope) -> RateDecision | None:
    decision = scope.get("state", {}).get(_DECISION_KEY)
    return decision if isinstance(decision, RateDecision) else None
