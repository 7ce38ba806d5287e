"""The periodic loop of `intent scheduler` and of the embedded mode: reconcile, schedule, purge.

One tick every `tick_seconds` until the stop event is set; a failing tick is logged and the next
one tries again, so a database restart does not end the loop.
"""

import logging
import threading
import time
from dataclasses import dataclass

from data.metadata.models import Run
from jobs.deps import JobDeps
from jobs.idempotency import purge_idempotency_keys
from jobs.reconciler import ReconcileReport, reconcile_once
from jobs.scheduler import schedule_once
from jobs.webhooks import webhook_tick

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    reconciled: ReconcileReport
    scheduled: list[Run]
    idempotency_purged: int
    webhook_attempts: int


def tick_once(deps: JobDeps) -> TickReport:
    reconciled = reconcile_once(deps, deps.clock())
    scheduled = schedule_once(deps, deps.clock())
    purged = purge_idempotency_keys(deps.store, deps.clock())
    return TickReport(reconciled, scheduled, purged, webhook_tick(deps))


def run_loop(deps: JobDeps, stop: threading.Event) -> None:
    """Tick every `tick_seconds` (from the start of one tick to the next) until `stop` is set;
    returns within a moment of it."""
    period = deps.settings.tick_seconds
    while not stop.is_set():
        started = time.monotonic()
        try:
            _log(tick_once(deps))
        except Exception:  # the store or the dataset may be briefly unreachable
            log.exception("scheduler tick failed; retrying next tick")
        stop.wait(max(0.0, started + period - time.monotonic()))


class LoopThread:
    """`run_loop` in a daemon thread, for processes that do other work (the embedded mode)."""

    def __init__(self, deps: JobDeps) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=run_loop, args=(deps, self._stop), name="intent-scheduler", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop the loop and wait for it; a loop never started has nothing to wait for."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()


def _log(report: TickReport) -> None:
    rec = report.reconciled
    counts = (
        len(rec.requeued),
        len(rec.failed),
        len(rec.resent),
        len(rec.staging_removed),
        len(rec.exports_resent),
        len(rec.exports_failed),
        len(report.scheduled),
        report.idempotency_purged,
        report.webhook_attempts,
    )
    if any(counts):
        log.info(
            "tick: %d requeued, %d failed, %d re-sent, %d staging removed, %d exports re-sent, "
            "%d exports lost, "
            "%d daily runs created, %d idempotency keys purged, %d webhook attempts",
            *counts,
        )
