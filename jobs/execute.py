"""Executing one run attempt: claim -> heartbeat -> materialize and publish -> fenced completion.

A message for a run that is not queued (a redelivery, a duplicate, a late one) does nothing; the
database decides, never the broker. The attempt's stages are written to the run as the work
reports them, and its log lines carry the run's ids.
"""

import json
import logging
from datetime import timedelta
from typing import Any

from data.metadata.models import Run, RunId
from data.snapshots import SnapshotRef
from data.snapshots.store import PreviousRun
from data.storage import as_location
from engine.config import AudienceConfig, config_from_canonical
from engine.states import TERMINAL, RunStatus
from jobs.deps import JobDeps
from jobs.errors import InvalidConfig, WorkCancelled
from jobs.failures import as_job_error, settle_failure
from jobs.lease import Heartbeat
from jobs.logs import bound
from jobs.progress import RunStage, StageRecorder
from jobs.work import WorkOrder, snapshot_key, threads_per_run

log = logging.getLogger(__name__)


def execute_run(deps: JobDeps, run_id: RunId) -> None:
    """Run one attempt of `run_id` to completion, requeue or failure.

    Every failure of the work is recorded on the run; only an unreachable store raises, and
    the broker then retries the message (or the reconciler recovers the run).
    """
    with bound(run_id=run_id):
        run = claim(deps, run_id)
        if run is None:
            log.info("run %s is not queued; the message is a duplicate or late", run_id)
            return
        ids = {"organization_id": run.organization_id, "audience_id": run.audience_id}
        with bound(attempt=run.attempts, **ids):
            _attempt(deps, run)


def _attempt(deps: JobDeps, run: Run) -> None:
    log.info("run %s attempt %d started", run.id, run.attempts)
    stages = StageRecorder(deps.store, run)
    try:
        ref = produce(deps, run, stages)
    except WorkCancelled:
        log.info("run %s attempt %d was cancelled: another attempt owns it", run.id, run.attempts)
        return
    except Exception as exc:  # every failure of the attempt is recorded on the run
        settle_failure(deps, run, as_job_error(exc))
        return
    stages(RunStage.PUBLISHING)
    if complete(deps, run, ref):
        deps.metrics.observe_run(str(ref.manifest["backend"]), stages.durations())


def claim(deps: JobDeps, run_id: RunId) -> Run | None:
    """queued -> running with a fresh lease; None when the run is not queued."""
    now = deps.clock()
    return deps.store.claim_run(run_id, now, now + timedelta(seconds=deps.settings.lease_seconds))


def produce(deps: JobDeps, run: Run, stages: StageRecorder | None = None) -> SnapshotRef:
    """Publish the snapshot of a claimed attempt while a heartbeat keeps its lease; `stages`
    hears each stage the work reports."""
    order = work_order(deps, run)
    lease = Heartbeat(deps.store, run, deps.clock, deps.settings.lease_seconds)
    with lease:
        return deps.runner(
            order,
            time_limit=deps.settings.run_time_limit_seconds,
            cancel=lease.lost,
            progress=stages,
        )


def complete(deps: JobDeps, run: Run, ref: SnapshotRef) -> bool:
    """The fenced completion; a stale attempt that lost its run leaves it alone."""
    done = deps.store.complete_run(
        run.id,
        run.attempts,
        candidate_count=int(ref.manifest["candidateCount"]),
        result_count=int(ref.manifest["resultCount"]),
        snapshot_path=str(ref.path),
        now=deps.clock(),
    )
    if done:
        deps.webhook_nudge.set()
        log.info(
            "run %s attempt %d completed: %s results",
            run.id,
            run.attempts,
            ref.manifest["resultCount"],
        )
    else:
        _drop_if_abandoned(deps, run)
    return done


def work_order(deps: JobDeps, run: Run) -> WorkOrder:
    """Everything the work needs as plain values; permanent errors surface here, before work."""
    settings = deps.settings
    return WorkOrder(
        key=snapshot_key(run),
        attempt=run.attempts,
        inputs=deps.catalog.resolve(run.data_date),
        config=stored_config(run),
        backend=settings.backend,
        threads=threads_per_run(settings.duckdb_threads, settings.worker_threads),
        memory_limit=settings.duckdb_memory_limit,
        snapshots=deps.snapshots,
        manifest_extra=manifest_extra(deps, run),
        previous=previous_run(deps, run),
    )


def previous_run(deps: JobDeps, run: Run) -> PreviousRun | None:
    """The audience's latest completed run of an earlier data date: the snapshot's stored diff
    is against it (other pairs are diffed when asked for)."""
    found = deps.store.previous_completed_run(run.audience_id, run.data_date)
    if found is None or not found.snapshot_path:
        return None
    return PreviousRun(found.id, as_location(found.snapshot_path))


def stored_config(run: Run) -> AudienceConfig:
    try:
        raw = json.loads(run.config_json)
    except ValueError as exc:
        raise InvalidConfig(f"the stored config of run {run.id} is not JSON: {exc}") from exc
    return config_from_canonical(raw)


def manifest_extra(deps: JobDeps, run: Run) -> dict[str, Any]:
    return {
        "organizationId": run.organization_id,
        "audienceId": run.audience_id,
        "runType": run.run_type.value,
        "configHash": run.config_hash,
        "dataDate": run.data_date,
        "inputManifestDigest": deps.catalog.manifest_digest(run.data_date),
    }


def _drop_if_abandoned(deps: JobDeps, run: Run) -> None:
    """A snapshot published for a run that ended failed or cancelled is garbage."""
    current = deps.store.get_run(run.id)
    log.info("run %s attempt %d could not complete: it is no longer its run", run.id, run.attempts)
    if current is not None and current.status in TERMINAL - {RunStatus.COMPLETED}:
        deps.snapshots.delete(snapshot_key(run))
