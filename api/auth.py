"""Who is calling: the `x-api-key` header resolved to an organization, then charged to its budget.

Every failure reads the same (401 UNAUTHORIZED), so a caller cannot tell a revoked key from a typo.
Keys are checked by a guard of the keyed router, before any body is read. Live keys are kept in
memory for KEY_TTL_SECONDS (a revoked key is refused within that time); refused ones for
REFUSED_TTL_SECONDS, so that repeating a wrong key does not query the database each time.
"""

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from api.bounded_cache import BoundedCache, Ticker
from api.coalesce import Coalescer
from api.errors import RateLimited, Unauthorized
from api.ratelimit import RateDecision, RateLimiter, keep_decision
from data.metadata.models import ApiKey, OrgId
from data.metadata.store import MetadataStore
from jobs.accounts import resolve_api_key

HEADER: Final = "x-api-key"
KEY_TTL_SECONDS: Final = 5.0
REFUSED_TTL_SECONDS: Final = 5.0
MAX_KEYS: Final = 10_000
_CALLER_KEY: Final = "caller"

AnyConnection = ASGIConnection[Any, Any, Any, Any]
Guard = Callable[[AnyConnection, BaseRouteHandler], Awaitable[None]]


@dataclass(frozen=True)
class Caller:
    org_id: OrgId
    key_id: str


class KeyCache:
    """One per app: live keys and refused keys, each for a few seconds, kept by digest (no
    plaintext secret outlives a request)."""

    def __init__(
        self, store: MetadataStore, *, ttl: float = KEY_TTL_SECONDS, ticker: Ticker = time.monotonic
    ) -> None:
        self._store = store
        self._keys: BoundedCache[bytes, ApiKey] = BoundedCache(MAX_KEYS, ttl=ttl, ticker=ticker)
        self._refused: BoundedCache[bytes, bool] = BoundedCache(
            MAX_KEYS, ttl=REFUSED_TTL_SECONDS, ticker=ticker
        )
        self._loads: Coalescer[bytes, ApiKey | None] = Coalescer()

    async def lookup(self, presented: str) -> ApiKey | None:
        """The live key `presented` names, or None: from memory when it was resolved within the
        TTL, else from the store on a worker thread (one lookup for concurrent callers)."""
        digest = hashlib.sha256(presented.encode()).digest()
        cached = self._keys.get(digest)
        if cached is not None or self._refused.get(digest):
            return cached
        return await self._loads.load(digest, lambda: self._resolve(digest, presented))

    def _resolve(self, digest: bytes, presented: str) -> ApiKey | None:
        key = resolve_api_key(self._store, presented)
        if key is None:
            self._refused.put(digest, True)
        else:
            self._keys.put(digest, key)
        return key


def key_guard(keys: KeyCache, limiter: RateLimiter) -> Guard:
    """The guard of every keyed route: the caller's key, then its budget, before the body."""

    async def authenticate(connection: AnyConnection, handler: BaseRouteHandler) -> None:
        presented = connection.headers.get(HEADER)
        key = await keys.lookup(presented) if presented else None
        if key is None:
            raise Unauthorized()
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
