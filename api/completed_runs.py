"""Completed runs kept in memory for a few seconds, so reading their results skips two lookups.

A completed run never changes; only its audience's deletion hides it, which this process sees at
once (`forget`) and other API processes within RUN_TTL_SECONDS.
"""

import time
from typing import Final

from api.bounded_cache import BoundedCache, Ticker
from data.metadata.models import OrgId, Run
from engine.states import RunStatus

RUN_TTL_SECONDS: Final = 5.0
MAX_RUNS: Final = 10_000

RunKey = tuple[str, str, str]  # organization, audience and run ids, canonical


class CompletedRuns:
    """Thread-safe; only completed runs are kept, so a pending run's progress is always read."""

    def __init__(self, *, ttl: float = RUN_TTL_SECONDS, ticker: Ticker = time.monotonic) -> None:
        self._runs: BoundedCache[RunKey, Run] = BoundedCache(MAX_RUNS, ttl=ttl, ticker=ticker)

    def cached(self, org_id: OrgId, audience_id: str, run_id: str) -> Run | None:
        return self._runs.get((org_id, audience_id, run_id))

    def remember(self, run: Run) -> None:
        if run.status == RunStatus.COMPLETED:
            self._runs.put((run.organization_id, run.audience_id, run.id), run)

    def forget(self) -> None:
        """After an audience is deleted: its runs must not be served from memory any more."""
        self._runs.clear()
