"""The reconciler tick: recover runs and export builds the broker or a worker lost, and collect
stale staging output.

Safe on many machines at once: every status change is a guarded write that only one of them
wins, and sending a run id twice is harmless because a run is claimed once per attempt.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from data.errors import StorageError
from data.metadata.models import ExportId, Run, RunId
from data.storage import Location
from jobs.deps import JobDeps
from jobs.dispatch import send_runs
from jobs.errors import WorkerLost
from jobs.exports import lost_export, send_export
from jobs.failures import fail_for_good
from jobs.logs import bound

RESEND_CAP: Final = timedelta(minutes=5)
log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    requeued: list[RunId] = field(default_factory=list)  # lease expired, attempts left
    failed: list[RunId] = field(default_factory=list)  # lease expired on the last attempt
    resent: list[RunId] = field(default_factory=list)  # queued with no recent send
    staging_removed: list[Location] = field(default_factory=list)
    exports_resent: list[ExportId] = field(default_factory=list)  # lost message or builder
    exports_failed: list[ExportId] = field(default_factory=list)  # their last attempt died


def reconcile_once(deps: JobDeps, now: datetime) -> ReconcileReport:
    report = ReconcileReport()
    for run in deps.store.expired_leases(now):
        with bound(run_id=run.id, attempt=run.attempts, organization_id=run.organization_id):
            _recover(deps, run, now, report)
    report.resent = _resend_stale(deps, now)
    report.staging_removed = _collect_staging(deps, now)
    _recover_exports(deps, now, report)
    return report


def _recover(deps: JobDeps, run: Run, now: datetime, report: ReconcileReport) -> None:
    """An expired lease: the worker is gone. Back to queued, or failed after the last attempt."""
    lost = WorkerLost(f"attempt {run.attempts} stopped renewing its lease")
    if run.attempts >= deps.settings.max_attempts:
        if fail_for_good(deps, run, lost):
            report.failed.append(run.id)
        return
    if deps.store.requeue_run(run.id, run.attempts, now, lost.code, str(lost), lease_expired=True):
        report.requeued.append(run.id)
        send_runs(deps, [run.id], now)


def _resend_stale(deps: JobDeps, now: datetime) -> list[RunId]:
    tick = timedelta(seconds=deps.settings.tick_seconds)
    stale = deps.store.queued_runs_not_enqueued_since(now - 2 * tick)
    return send_runs(deps, [run.id for run in stale if resend_due(run, now, tick)], now)


def resend_due(run: Run, now: datetime, tick: timedelta) -> bool:
    """Whether a queued run has waited long enough since its last send to send it again.

    Two ticks at first; then a quarter of the run's age (at most RESEND_CAP), so a long backlog
    waiting for busy workers is re-sent a logarithmic number of times, not once per two ticks.
    """
    if run.last_enqueued_at is None:
        return True
    wait = max(2 * tick, min((now - run.created_at) / 4, RESEND_CAP))
    return now - run.last_enqueued_at >= wait


def _recover_exports(deps: JobDeps, now: datetime, report: ReconcileReport) -> None:
    """Processing exports nobody builds, sent two ticks ago or more: sent again while attempts
    last; failed with WORKER_LOST (guarded) once the last attempt died, so the next request
    queues it again."""
    tick = timedelta(seconds=deps.settings.tick_seconds)
    for export in deps.store.unattended_exports(now, now - 2 * tick):
        if export.attempts >= deps.settings.max_attempts:
            if deps.store.finish_export(lost_export(export, now)):
                report.exports_failed.append(export.id)
        elif deps.store.mark_export_enqueued(export.id, now) and send_export(deps, export.id):
            report.exports_resent.append(export.id)


def _collect_staging(deps: JobDeps, now: datetime) -> list[Location]:
    """Staging output untouched for longer than any attempt may run is left by a dead one.
    Snapshot storage that cannot be reached (a bucket) is skipped for this tick, so the rest of
    the tick still recovers runs and exports."""
    try:
        return _remove_stale(deps, now)
    except StorageError as exc:
        log.warning("staging output not collected this tick: %s", exc)
        return []


def _remove_stale(deps: JobDeps, now: datetime) -> list[Location]:
    settings = deps.settings
    grace = timedelta(seconds=settings.run_time_limit_seconds + settings.lease_seconds)
    stale = deps.snapshots.list_staging(now - grace)
    if stale:  # the committed paths are read only when there is something to remove
        committed = deps.store.snapshot_paths()
        stale = [path for path in stale if str(path) not in committed]
    for path in stale:
        deps.snapshots.remove_staging(path)
    return stale
