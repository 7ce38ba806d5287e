"""Completed runs kept in memory for a few seconds, so reading their results skips two lookups.

A completed run never changes; only its audience's deletion hides it, which this process sees at
once (`forget`) and other API processes within RUN_TTL_SECONDS.
"""

import time
from collections.abc import Callable
from typing import Final

from api.bounded_cache import BoundedCache, Ticker
from api.coalesce import Coalescer
from data.metadata.models import Run
from engine.states import RunStatus

RUN_TTL_SECONDS: Final = 5.0
MAX_RUNS: Final = 10_000

RunKey = tuple[str, str, str]  # organization, audience and run ids, canonical


class CompletedRuns:
    """One per app. Only completed runs are kept, so a pending run's progress is always read."""

    def __init__(self, *, ttl: float = RUN_TTL_SECONDS, ticker: Ticker = time.monotonic) -> None:
        self._runs: BoundedCache[RunKey, Run] = BoundedCache(MAX_RUNS, ttl=ttl, ticker=ticker)
        self._loads: Coalescer[RunKey, Run] = Coalescer()

    async def read(self, key: RunKey, load: Callable[[], Run]) -> Run:
        """The run `key` names: from memory when completed and read within the TTL, else
        `load()` on a worker thread (one load for concurrent callers)."""
        cached = self._runs.get(key)
        if cached is not None:
            return cached
        return await self._loads.load(key, lambda: self._remember(key, load()))

    def _remember(self, key: RunKey, run: Run) -> Run:
        if run.status == RunStatus.COMPLETED:
            self._runs.put(key, run)
        return run

    def forget(self) -> None:
        """After an audience is deleted: its runs must not be served from memory any more."""
        self._runs.clear()
