"""Stored exports of a completed run: one file per run and format, created once and reused.

The file lives beside the run's snapshot (`<org>/<audience>/<run>.exports/`), never inside it:
a published snapshot is immutable. The store's unique (run, format) key settles races.
"""

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from data.exports import CONTENT_TYPES, export_format, write_export
from data.metadata.models import Export, ExportId, Run, RunId
from data.snapshots import exports_dir
from data.snapshots.files import RESULTS
from engine.states import ExportStatus
from jobs.deps import JobDeps
from jobs.errors import InternalError, RunNotCompleted, WorkerLost

# Exports stream at 200 MB/s or more, so even a run of tens of millions of rows is written in
# minutes; one still processing after this lost the process building it (the reconciler fails
# it with WORKER_LOST, and the next request rebuilds it).
EXPORT_BUILD_LIMIT: Final = timedelta(minutes=30)


def ensure_export(deps: JobDeps, run: Run, fmt: str, now: datetime) -> tuple[Export, bool]:
    """The run's export in `fmt` and whether this call built it (before returning); a failed
    export is built again."""
    snapshot = _snapshot_dir(run)
    existing = deps.store.find_export(run.id, fmt)
    if existing is not None:
        return _reuse_or_rebuild(deps, existing, snapshot, now)
    export = new_export(run, fmt, export_path(snapshot, fmt), now)
    if not deps.store.create_export(export):
        return _existing(deps, run.id, fmt), False
    return build_export(deps, export, snapshot), True


def new_export(run: Run, fmt: str, path: Path, now: datetime) -> Export:
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
    )


def export_path(snapshot: Path, fmt: str) -> Path:
    return exports_dir(snapshot) / f"results.{export_format(fmt)}"


def build_export(deps: JobDeps, export: Export, snapshot: Path) -> Export:
    """Write the file (atomically) and record the outcome; a failure is stored, not raised."""
    try:
        out = Path(str(export.path))
        out.parent.mkdir(parents=True, exist_ok=True)
        info = write_export(snapshot / RESULTS, export.export_type, out)
    except Exception as exc:  # stored on the export so clients see why
        done = replace(
            export,
            status=ExportStatus.FAILED,
            error_code=InternalError.code,
            error_message=str(exc),
        )
    else:
        done = replace(
            export,
            status=ExportStatus.COMPLETED,
            row_count=info.row_count,
            byte_size=info.byte_size,
            sha256=info.sha256,
            content_type=info.content_type,
        )
    done = replace(done, completed_at=deps.clock())
    if deps.store.finish_export(done) and done.byte_size is not None:
        deps.metrics.count_export(done.export_type, done.byte_size)
    return done


def lost_export(export: Export, now: datetime) -> Export:
    """A processing export whose builder died, as failed."""
    message = f"the process building it stopped: still processing after {EXPORT_BUILD_LIMIT}"
    return replace(
        export,
        status=ExportStatus.FAILED,
        error_code=WorkerLost.code,
        error_message=message,
        completed_at=now,
    )


def restarted_export(failed: Export, now: datetime) -> Export:
    """A failed export as a new build from `now`: same id and file, no outcome yet."""
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
    )


def _reuse_or_rebuild(
    deps: JobDeps, existing: Export, snapshot: Path, now: datetime
) -> tuple[Export, bool]:
    """Reuse a completed or processing export; rebuild a failed one. Restarting is a guarded
    write, so of concurrent requests one rebuilds and the others get its export."""
    if existing.status != ExportStatus.FAILED:
        return existing, False
    restarted = restarted_export(existing, now)
    if not deps.store.restart_export(restarted):
        return _existing(deps, existing.run_id, existing.export_type), False
    return build_export(deps, restarted, snapshot), True


def _snapshot_dir(run: Run) -> Path:
    if run.snapshot_path is None:
        raise RunNotCompleted(f"run {run.id} is {run.status}: it has no snapshot to export")
    return Path(run.snapshot_path)


def _existing(deps: JobDeps, run_id: RunId, fmt: str) -> Export:
    export = deps.store.find_export(run_id, fmt)
    if export is None:  # a write was refused, yet nothing is there: the store is broken
        raise InternalError(f"export {fmt} of run {run_id} was refused but does not exist")
    return export
