"""Live API keys kept in memory for a few seconds, so that most requests skip the key lookup.

A revoked key goes on working for at most KEY_TTL_SECONDS in an API process that saw it just
before; that delay is the price of not reading the key row on every request.
"""

import hashlib
import time
from typing import Final

from api.bounded_cache import BoundedCache, Ticker
from api.coalesce import Coalescer
from data.metadata.models import ApiKey
from data.metadata.store import MetadataStore
from jobs.accounts import resolve_api_key

KEY_TTL_SECONDS: Final = 5.0
MAX_KEYS: Final = 10_000


class KeyCache:
    """One per app. Only live keys are kept: a refused key is looked up every time."""

    def __init__(
        self, store: MetadataStore, *, ttl: float = KEY_TTL_SECONDS, ticker: Ticker = time.monotonic
    ) -> None:
        self._store = store
        self._keys: BoundedCache[bytes, ApiKey] = BoundedCache(MAX_KEYS, ttl=ttl, ticker=ticker)
        self._loads: Coalescer[bytes, ApiKey | None] = Coalescer()

    async def lookup(self, presented: str) -> ApiKey | None:
        """The live key `presented` names, or None: from memory when it was resolved within the
        TTL, else from the store on a worker thread (one lookup for concurrent callers)."""
        digest = _digest(presented)
        cached = self._keys.get(digest)
        if cached is not None:
            return cached
        return await self._loads.load(digest, lambda: self._resolve(digest, presented))

    def _resolve(self, digest: bytes, presented: str) -> ApiKey | None:
        key = resolve_api_key(self._store, presented)
        if key is not None:
            self._keys.put(digest, key)
        return key


def _digest(presented: str) -> bytes:
    # Kept by digest: the cache holds no plaintext secret for longer than a request does.
    return hashlib.sha256(presented.encode()).digest()
