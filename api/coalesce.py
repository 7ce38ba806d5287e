"""Blocking loads run on a worker thread, one per key at a time: requests that miss a cache
together (as all of them do when a hot entry expires) wait for a single load.

Without it, fifty requests finding one expired key made fifty identical lookups at once.
"""

import asyncio
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from anyio import to_thread

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    """For the tasks of one event loop (an app's); not thread-safe."""

    def __init__(self) -> None:
        self._loading: dict[K, asyncio.Future[V]] = {}

    async def load(self, key: K, load: Callable[[], V]) -> V:
        """`load()`'s value (or error), shared by every caller that asks while it runs."""
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(to_thread.run_sync(load))
            self._loading[key] = pending
            pending.add_done_callback(lambda _: self._loading.pop(key, None))
        # Shielded: a caller that goes away (a closed connection) leaves the load to the others.
        return await asyncio.shield(pending)
