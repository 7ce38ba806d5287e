"""Live API keys kept in memory for a few seconds, so that most requests skip the key lookup.

A revoked key goes on working for at most KEY_TTL_SECONDS in an API process that saw it just
before; that delay is the price of not reading the key row on every request.
"""

import hashlib
import time
from typing import Final

from api.bounded_cache import BoundedCache, Ticker
from data.metadata.models import ApiKey
from data.metadata.store import MetadataStore
from jobs.accounts import resolve_api_key

KEY_TTL_SECONDS: Final = 5.0
MAX_KEYS: Final = 10_000


class KeyCache:
    """Thread-safe. Only live keys are kept: a refused key is looked up every time."""

    def __init__(
        self, store: MetadataStore, *, ttl: float = KEY_TTL_SECONDS, ticker: Ticker = time.monotonic
    ) -> None:
        self._store = store
        self._keys: BoundedCache[bytes, ApiKey] = BoundedCache(MAX_KEYS, ttl=ttl, ticker=ticker)

    def cached(self, presented: str) -> ApiKey | None:
        """The live key `presented` names if it was resolved within the TTL; never blocks."""
        return self._keys.get(_digest(presented))

    def resolve(self, presented: str) -> ApiKey | None:
        """The live key `presented` names, read from the store (blocking), or None."""
        key = resolve_api_key(self._store, presented)
        if key is not None:
            self._keys.put(_digest(presented), key)
        return key


def _digest(presented: str) -> bytes:
    # Kept by digest: the cache holds no plaintext secret for longer than a request does.
    return hashlib.sha256(presented.encode()).digest()
