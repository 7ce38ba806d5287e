"""Stored exports of a completed run: one file per run and format, built once by a worker and
reused.

A request records the export `processing` and sends its id to the broker; a worker claims the
build under a lease (heartbeated while it writes), writes the attempt's partial file and publishes
it by rename, then records the outcome with a write guarded on its attempt. A builder that dies
stops renewing its lease and the reconciler sends the build again (`reconciler.py`), so a second
attempt replaces the dead one's partial file and the export never has two files.

The file lives beside the run's snapshot (`<snapshot>.exports/`, on disk or in the bucket), never
inside it: a published snapshot is immutable. The store's unique (run, format) key settles races.
On object storage the file is uploaded whole once written (no partial file is ever visible).
"""

import logging
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from data.exports import (
    CONTENT_TYPES,
    ExportInfo,
    export_format,
    remove_partials,
    write_export,
    write_export_to_store,
)
from data.metadata.models import Export, ExportId, Run, RunId
from data.snapshots import exports_dir
from data.snapshots.results_file import ResultsFile
from data.storage import Location, as_location, is_remote, join, open_store, split
from engine.states import ExportStatus
from jobs.deps import JobDeps
from jobs.errors import InternalError, JobError, RunNotCompleted, WorkerLost
from jobs.lease import ExportHeartbeat
from jobs.logs import bound

log = logging.getLogger(__name__)


def ensure_export(deps: JobDeps, run: Run, fmt: str, now: datetime) -> tuple[Export, bool]:
    """The run's export in `fmt` as it stands, and whether this call queued its build; a failed
    export is queued again, a processing or completed one is returned as it is."""
    snapshot = _snapshot_dir(run)
    existing = deps.store.find_export(run.id, fmt)
    if existing is not None:
        return _reuse_or_restart(deps, existing, now)
    export = new_export(run, fmt, export_path(snapshot, fmt), now)
    if not deps.store.create_export(export):
        return _existing(deps, run.id, fmt), False
    return queue_export(deps, export), True


def new_export(run: Run, fmt: str, path: Location, now: datetime) -> Export:
    return Export(
        id=ExportId(str(uuid.uuid4())),
        organization_id=run.organization_id,
        audience_id=run.audience_id,
        run_id=run.id,
        export_type=fmt,
        status=ExportStatus.PROCESSING,
        content_type=CONTENT_TYPES[export_format(fmt)],
        created_at=now,
        path=str(path),
        last_enqueued_at=now,
    )


def export_path(snapshot: Location, fmt: str) -> Location:
    return join(exports_dir(snapshot), f"results.{export_format(fmt)}")


def queue_export(deps: JobDeps, export: Export) -> Export:
    """Send the build to the broker (or build it here when there is none); the export as it
    stands afterwards. A send that fails is logged: the reconciler sends it again."""
    send_export(deps, export.id)
    return deps.store.get_export(export.id) or export


def send_export(deps: JobDeps, export_id: ExportId) -> bool:
    """Hand the build to the broker, or build it here when there is none; False when the broker
    refused it (logged)."""
    if deps.enqueue_export is None:
        return build_queued_export(deps, export_id) is not None
    try:
        deps.enqueue_export(export_id)
    except Exception:  # any broker failure: the reconciler retries the send
        with bound(export_id=export_id):
            log.warning("could not enqueue export %s; the reconciler will send it again", export_id)
        return False
    return True


def build_queued_export(deps: JobDeps, export_id: ExportId) -> Export | None:
    """The export actor: claim the build, write the file under a heartbeated lease, record the
    outcome. None when there is nothing to do: finished, gone, built by a live attempt, or out of
    attempts (the reconciler fails it)."""
    export = deps.store.get_export(export_id)
    if export is None or export.status != ExportStatus.PROCESSING:
        return None
    if export.attempts >= deps.settings.max_attempts:
        return None
    now = deps.clock()
    lease_until = now + timedelta(seconds=deps.settings.lease_seconds)
    if not deps.store.claim_export(export, now, lease_until):
        return None
    claimed = replace(export, attempts=export.attempts + 1, lease_expires_at=lease_until)
    run = deps.store.get_run(claimed.run_id)
    with bound(export_id=export_id, attempt=claimed.attempts):
        if run is None or run.snapshot_path is None:
            return _record(deps, _failed(claimed, RunNotCompleted(f"run {claimed.run_id} is gone")))
        with ExportHeartbeat(deps.store, claimed, deps.clock, deps.settings.lease_seconds):
            return build_export(deps, claimed, as_location(run.snapshot_path))


def build_export(deps: JobDeps, export: Export, snapshot: Location) -> Export:
    """Write the file of a claimed attempt and record the outcome; a failure is stored, not
    raised. On local disk: partial file, then rename (the partial files of earlier attempts
    removed first); on object storage: one upload of the whole file."""
    try:
        results = deps.snapshots.open_results(snapshot, whole=True)
        out = as_location(str(export.path))
        if is_remote(out):
            info = _write_remote(deps, results, export, str(out))
        else:
            info = _write_local(results, export, Path(out))
    except Exception as exc:  # stored on the export so clients see why
        return _record(deps, _failed(export, InternalError(str(exc))))
    done = replace(
        export,
        status=ExportStatus.COMPLETED,
        row_count=info.row_count,
        byte_size=info.byte_size,
        sha256=info.sha256,
        content_type=info.content_type,
    )
    return _record(deps, done)


def _write_local(results: ResultsFile, export: Export, out: Path) -> ExportInfo:
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_partials(out)
    return write_export(results, export.export_type, out, export.attempts)


def _write_remote(deps: JobDeps, results: ResultsFile, export: Export, out: str) -> ExportInfo:
    parent, name = split(out)
    store = open_store(parent, deps.settings.s3)
    return write_export_to_store(results, export.export_type, store, name, export.attempts)


def _failed(export: Export, error: JobError) -> Export:
    return replace(
        export, status=ExportStatus.FAILED, error_code=error.code, error_message=str(error)
    )


def _record(deps: JobDeps, done: Export) -> Export:
    done = replace(done, completed_at=deps.clock(), lease_expires_at=None)
    if not deps.store.finish_export(done):
        return done
    deps.webhook_nudge.set()
    if done.byte_size is not None:
        deps.metrics.count_export(done.export_type, done.byte_size)
    return done


def lost_export(export: Export, now: datetime) -> Export:
    """A processing export whose last attempt stopped renewing its lease, as failed."""
    lost = WorkerLost(f"attempt {export.attempts} of the build stopped renewing its lease")
    return replace(_failed(export, lost), completed_at=now, lease_expires_at=None)


def restarted_export(failed: Export, now: datetime) -> Export:
    """A failed export as a new build from `now`: same id and file, no outcome or attempt yet."""
    return Export(
        id=failed.id,
        organization_id=failed.organization_id,
        audience_id=failed.audience_id,
        run_id=failed.run_id,
        export_type=failed.export_type,
        status=ExportStatus.PROCESSING,
        content_type=failed.content_type,
        created_at=now,
        path=failed.path,
        last_enqueued_at=now,
    )


def _reuse_or_restart(deps: JobDeps, existing: Export, now: datetime) -> tuple[Export, bool]:
    """Reuse a completed or processing export; queue a failed one again. Restarting is a guarded
    write, so of concurrent requests one queues it and the others get its export."""
    if existing.status != ExportStatus.FAILED:
        return existing, False
    restarted = restarted_export(existing, now)
    if not deps.store.restart_export(restarted):
        return _existing(deps, existing.run_id, existing.export_type), False
    return queue_export(deps, restarted), True


def _snapshot_dir(run: Run) -> Location:
    if run.snapshot_path is None:
        raise RunNotCompleted(f"run {run.id} is {run.status}: it has no snapshot to export")
    return as_location(run.snapshot_path)


def _existing(deps: JobDeps, run_id: RunId, fmt: str) -> Export:
    export = deps.store.find_export(run_id, fmt)
    if export is None:  # a write was refused, yet nothing is there: the store is broken
        raise InternalError(f"export {fmt} of run {run_id} was refused but does not exist")
    return export
