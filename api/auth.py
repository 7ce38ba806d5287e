"""Who is calling: the `x-api-key` header resolved to an organization, then charged to its budget.

Every failure reads the same (401 UNAUTHORIZED), so a caller cannot tell a revoked key from a typo.
Keys are checked by a guard of the keyed router, before any body is read. What a presented key
resolved to, live or refused, is kept for KEY_TTL_SECONDS: a revoked key is refused within that
time, and repeating a wrong key does not query the database each time. Requests with a refused key
are also counted per client address (the socket peer): once an address has spent that budget, it
gets 429 before any key it presents is looked up, so guessing keys cannot keep the database busy.
"""

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from cachetools import TTLCache
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from api.coalesce import Coalescer
from api.errors import RateLimited, Unauthorized
from api.ratelimit import RateDecision, RateLimiter, keep_decision
from data.metadata.models import ApiKey, OrgId
from data.metadata.store import MetadataStore
from jobs.accounts import resolve_api_key

HEADER: Final = "x-api-key"
KEY_TTL_SECONDS: Final = 5.0
MAX_KEYS: Final = 10_000
_CALLER_KEY: Final = "caller"

AnyConnection = ASGIConnection[Any, Any, Any, Any]
Guard = Callable[[AnyConnection, BaseRouteHandler], Awaitable[None]]
Ticker = Callable[[], float]  # seconds on a clock that never goes back (time.monotonic)


@dataclass(frozen=True)
class Caller:
    org_id: OrgId
    key_id: str


class KeyCache:
    """One per app: what each presented key resolved to (its live row, or None when refused),
    kept by digest so that no plaintext secret outlives a request. Touched only on the event
    loop."""

    def __init__(
        self, store: MetadataStore, *, ttl: float = KEY_TTL_SECONDS, ticker: Ticker = time.monotonic
    ) -> None:
        self._store = store
        self._keys: TTLCache[bytes, ApiKey | None] = TTLCache(MAX_KEYS, ttl, ticker)
        self._loads: Coalescer[bytes, ApiKey | None] = Coalescer()

    def known(self, presented: str) -> bool:
        """Whether `presented` was resolved within the TTL (its lookup costs no query)."""
        return _digest(presented) in self._keys

    async def lookup(self, presented: str) -> ApiKey | None:
        """The live key `presented` names, or None: from memory when it was resolved within the
        TTL, else from the store on a worker thread (one lookup for concurrent callers)."""
        digest = _digest(presented)
        try:
            return self._keys[digest]
        except KeyError:
            pass
        key = await self._loads.load(digest, lambda: resolve_api_key(self._store, presented))
        self._keys[digest] = key
        return key


def _digest(presented: str) -> bytes:
    return hashlib.sha256(presented.encode()).digest()


def key_guard(keys: KeyCache, limiter: RateLimiter, refusals: RateLimiter) -> Guard:
    """The guard of every keyed route: the caller's key, then its budget, before the body.
    `refusals` counts requests with a refused key per client address."""

    async def authenticate(connection: AnyConnection, handler: BaseRouteHandler) -> None:
        presented = connection.headers.get(HEADER)
        if not presented:
            raise Unauthorized()
        address = f"address:{connection.client.host if connection.client else 'unknown'}"
        if not keys.known(presented):
            left = await refusals.peek(address)
            if not left.allowed:
                charge(connection, left)
        key = await keys.lookup(presented)
        if key is None:
            spent = await refusals.hit(address)
            if not spent.allowed:
                charge(connection, spent)
            raise Unauthorized()  # with no budget headers: every 401 reads the same
        charge(connection, await limiter.hit(key.id))
        connection.scope.setdefault("state", {})[_CALLER_KEY] = Caller(key.organization_id, key.id)

    return authenticate


def caller_of(request: AnyConnection) -> Caller:
    """The `caller` dependency of keyed routes: who the guard let in."""
    caller = request.scope.get("state", {}).get(_CALLER_KEY)
    if not isinstance(caller, Caller):
        raise Unauthorized()
    return caller


def charge(connection: AnyConnection, decision: RateDecision) -> None:
    """Keep the budget decision for the response headers; RateLimited when it is spent."""
    keep_decision(connection.scope, decision)
    if not decision.allowed:
        raise RateLimited(decision)
