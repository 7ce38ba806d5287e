"""The heartbeat of a claimed run or export build: a thread that extends its lease until the
work ends.

When the store refuses an extension the attempt has been fenced off (its lease expired and the
work was recovered), so `lost` is set and the work is stopped.
"""

import contextvars
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType

from data.metadata.models import Export, Run
from data.metadata.store import MetadataStore
from jobs.deps import Clock

log = logging.getLogger(__name__)


Extend = Callable[[datetime], bool]  # extends a lease until the given time; False when refused


class Lease:
    """Use as a context manager around the work of one claimed attempt; `extend` renews it."""

    def __init__(self, extend: Extend, name: str, clock: Clock, lease_seconds: float) -> None:
        self.lost = threading.Event()
        self._extend = extend
        self._name = name
        self._clock = clock
        self._ttl = timedelta(seconds=lease_seconds)
        self._stopped = threading.Event()
        # The thread runs in a copy of this context, so that its log lines carry the run's ids.
        self._thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._loop,),
            name=f"heartbeat of {name}",
            daemon=True,
        )

    def __enter__(self) -> "Lease":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopped.set()
        self._thread.join()

    def _loop(self) -> None:
        # Three beats per lease: one lost beat (a slow DB) does not lose the lease.
        interval = self._ttl.total_seconds() / 3
        while not self._stopped.wait(interval):
            if not self.beat():
                log.warning("%s lost its lease", self._name)
                self.lost.set()
                return

    def beat(self) -> bool:
        """Extend the lease once; False only when the store refuses (the attempt is stale)."""
        try:
            return self._extend(self._clock() + self._ttl)
        except Exception:  # a passing DB error: the next beat may succeed before the lease ends
            log.warning("heartbeat of %s failed", self._name, exc_info=True)
            return True


class Heartbeat(Lease):
    """The lease of a claimed run attempt."""

    def __init__(self, store: MetadataStore, run: Run, clock: Clock, lease_seconds: float) -> None:
        def extend(until: datetime) -> bool:
            return store.heartbeat(run.id, run.attempts, until)

        super().__init__(extend, f"run {run.id} attempt {run.attempts}", clock, lease_seconds)


class ExportHeartbeat(Lease):
    """The lease of a claimed export build."""

    def __init__(
        self, store: MetadataStore, export: Export, clock: Clock, lease_seconds: float
    ) -> None:
        def extend(until: datetime) -> bool:
            return store.heartbeat_export(export.id, export.attempts, until)

        name = f"export {export.id} attempt {export.attempts}"
        super().__init__(extend, name, clock, lease_seconds)
