"""The periodic loop of `intent scheduler` and of the embedded mode: reconcile, schedule, purge,
send webhooks.

One tick every `tick_seconds` until the stop event is set; a failing tick is logged and the next
one tries again, so a database restart does not end the loop. Between ticks the loop makes
webhook passes: every half second while they find work, backing off to every few seconds while
they find none, and at once when this process ends a run or export (`JobDeps.webhook_nudge`),
or, on PostgreSQL, when any process writes a webhook event (`data.metadata.notify`).
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Final

from data.metadata.models import Run
from data.metadata.notify import listen
from jobs.deps import JobDeps
from jobs.idempotency import purge_idempotency_keys
from jobs.reconciler import ReconcileReport, reconcile_once
from jobs.scheduler import schedule_once
from jobs.webhooks import webhook_tick

log = logging.getLogger(__name__)

STOP_CHECK_SECONDS: Final = 0.5  # how soon a waiting loop notices its stop event


@dataclass(frozen=True)
class WebhookPolling:
    """The waits between webhook passes: `busy` after a pass that attempted a delivery, then
    twice the last wait after each pass that found nothing, up to `idle`. A busy stream keeps
    the short wait (its lag stays a pass); an idle sender asks the database every `idle`
    seconds, not every `busy`. A nudge ends a wait early, but not before `least`: a stream of
    events, each nudging, is still sent in batches."""

    busy: float = 0.5
    idle: float = 2.0
    least: float = 0.1

    def next_wait(self, wait: float, worked: bool) -> float:
        return self.busy if worked else min(wait * 2, self.idle)


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


def run_loop(
    deps: JobDeps, stop: threading.Event, polling: WebhookPolling = WebhookPolling()
) -> None:
    """Tick every `tick_seconds` (from the start of one tick to the next) until `stop` is set;
    returns within a moment of it."""
    period = deps.settings.tick_seconds
    wait = polling.busy
    listener = threading.Thread(
        target=listen,
        args=(deps.settings.database_url, deps.webhook_nudge.set, stop),
        name="intent-webhook-listener",
        daemon=True,
    )
    listener.start()  # on PostgreSQL: events written by other processes nudge the sender too
    while not stop.is_set():
        started = time.monotonic()
        try:
            report = tick_once(deps)
            _log(report)
            wait = polling.next_wait(wait, report.webhook_attempts > 0)
        except Exception:  # the store or the dataset may be briefly unreachable
            log.exception("scheduler tick failed; retrying next tick")
        wait = _between_ticks(deps, stop, started + period, polling, wait)


def _between_ticks(
    deps: JobDeps, stop: threading.Event, next_tick: float, polling: WebhookPolling, wait: float
) -> float:
    """Webhook passes until the monotonic time `next_tick` (or `stop`), each after its wait;
    the wait to carry into the next tick."""
    while _nap(deps, stop, min(wait, next_tick - time.monotonic()), polling.least):
        if time.monotonic() >= next_tick:
            break
        try:
            attempts = webhook_tick(deps)  # each attempt is logged as it ends
        except Exception:  # the store may be briefly unreachable: the next tick tries again
            log.exception("webhook poll failed; retrying next tick")
            break
        wait = polling.next_wait(wait, attempts > 0)
    return wait


def _nap(deps: JobDeps, stop: threading.Event, seconds: float, least: float) -> bool:
    """Wait `seconds`, or less (but `least`) once nudged; False once `stop` is set."""
    until = time.monotonic() + seconds
    if stop.wait(max(0.0, min(least, seconds))):
        return False
    while not stop.is_set():
        left = until - time.monotonic()
        if left <= 0 or deps.webhook_nudge.wait(min(left, STOP_CHECK_SECONDS)):
            deps.webhook_nudge.clear()  # the pass that follows reads what the nudge announced
            return True
    return False


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
