"""The heartbeat of a claimed run: a thread that extends its lease until the work ends.

When the store refuses an extension the attempt has been fenced off (its lease expired and the
run was recovered), so `lost` is set and the work is stopped.
"""

import contextvars
import logging
import threading
from datetime import timedelta
from types import TracebackType

from data.metadata.models import Run
from data.metadata.store import MetadataStore
from jobs.deps import Clock

log = logging.getLogger(__name__)


class Heartbeat:
    """Use as a context manager around the work of one claimed attempt."""

    def __init__(self, store: MetadataStore, run: Run, clock: Clock, lease_seconds: float) -> None:
        self.lost = threading.Event()
        self._store = store
        self._run = run
        self._clock = clock
        self._ttl = timedelta(seconds=lease_seconds)
        self._stopped = threading.Event()
        # The thread runs in a copy of this context, so that its log lines carry the run's ids.
        self._thread = threading.Thread(
            target=contextvars.copy_context().run,
            args=(self._loop,),
            name=f"heartbeat-{run.id}",
            daemon=True,
        )

    def __enter__(self) -> "Heartbeat":
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
                log.warning("run %s attempt %d lost its lease", self._run.id, self._run.attempts)
                self.lost.set()
                return

    def beat(self) -> bool:
        """Extend the lease once; False only when the store refuses (the attempt is stale)."""
        try:
            return self._store.heartbeat(
                self._run.id, self._run.attempts, self._clock() + self._ttl
            )
        except Exception:  # a passing DB error: the next beat may succeed before the lease ends
            log.warning("heartbeat of run %s failed", self._run.id, exc_info=True)
            return True
