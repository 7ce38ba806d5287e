"""Blocking loads on worker threads, one per key at a time, shared by every caller asking meanwhile.

When a hot entry expires, the fifty requests missing it together wait for one lookup, not fifty.
"""

import asyncio
import logging
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from anyio import CapacityLimiter, to_thread

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
log = logging.getLogger(__name__)


class Coalescer(Generic[K, V]):
    """For the tasks of one event loop (an app's); not thread-safe. With `limiter`, loads share
    its tokens instead of the default pool of worker threads."""

    def __init__(self, limiter: CapacityLimiter | None = None) -> None:
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._limiter = limiter

    async def load(self, key: K, load: Callable[[], V]) -> V:
        """`load()`'s value (or error), shared by every caller that asks while it runs."""
        # Shielded: a caller that goes away (a closed connection) leaves the load to the others.
        return await asyncio.shield(self._pending(key, load))

    def running(self, key: K) -> bool:
        return key in self._loading

    def start(self, key: K, load: Callable[[], V], then: Callable[[K, V], None]) -> None:
        """Start `load()` unless one for `key` runs already, and wait for nothing: `then(key,
        value)` runs on the event loop when it is done; an error is logged, as no caller sees it."""

        def done(loaded: "asyncio.Future[V]") -> None:
            if _succeeded(loaded):
                then(key, loaded.result())

        self._pending(key, load).add_done_callback(done)

    def _pending(self, key: K, load: Callable[[], V]) -> "asyncio.Future[V]":
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(to_thread.run_sync(load, limiter=self._limiter))
            self._loading[key] = pending
            pending.add_done_callback(lambda _: self._loading.pop(key, None))
        return pending


def _succeeded(done: "asyncio.Future[Any]") -> bool:
    """True when the load succeeded; its error logged otherwise."""
    if done.cancelled():
        return False
    if done.exception() is not None:
        log.error("a background load failed", exc_info=done.exception())
        return False
    return True
