"""The run and the stored export as the API shows them; webhooks send the same objects.

Timestamps on the wire are UTC ISO-8601 with milliseconds and `Z`.
"""

from datetime import UTC, datetime
from typing import Any, Final, Literal

import msgspec

from data.metadata.models import Export, Run
from data.storage import address
from engine.states import RunStatus, RunType
from jobs.progress import RunStage

ExportStatus = Literal["processing", "completed", "failed"]
StorageProvider = Literal["local", "s3"]
_STATUSES: Final[dict[str, ExportStatus]] = {
    "processing": "processing",
    "completed": "completed",
    "failed": "failed",
}


def iso(moment: datetime) -> str:
    """`2026-11-27T09:30:00.000Z`: UTC, milliseconds, `Z`."""
    # isoformat rather than strftime: see benchmarks/PERF.md (API timestamps).
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


class RunOut(msgspec.Struct, rename="camel"):
    id: str
    audience_id: str
    organization_id: str
    status: RunStatus
    run_type: RunType
    config_hash: str
    data_date: str
    candidate_count: int | None
    result_count: int | None
    attempts: int
    error_code: str | None
    error_message: str | None
    created_at: str
    started_at: str | None
    completed_at: str | None
    cancelled_at: str | None
    stage: RunStage | None  # while running: what the attempt is doing; when failed: where
    progress: float | None  # 0..1 while running, 1 once completed


def run_out(run: Run) -> RunOut:
    return RunOut(
        id=run.id,
        audience_id=run.audience_id,
        organization_id=run.organization_id,
        status=run.status,
        run_type=run.run_type,
        config_hash=run.config_hash,
        data_date=run.data_date,
        candidate_count=run.candidate_count,
        result_count=run.result_count,
        attempts=run.attempts,
        error_code=run.error_code,
        error_message=run.error_message,
        created_at=iso(run.created_at),
        started_at=iso_or_none(run.started_at),
        completed_at=iso_or_none(run.completed_at),
        cancelled_at=iso_or_none(run.cancelled_at),
        stage=None if run.stage is None else RunStage(run.stage),
        progress=run.progress,
    )


class ExportOut(msgspec.Struct, rename="camel"):
    id: str
    organization_id: str
    audience_id: str
    run_id: str
    export_type: str
    status: ExportStatus
    content_type: str
    byte_size: int | None
    row_count: int | None
    sha256: str | None
    error_code: str | None
    error_message: str | None
    created_at: str
    completed_at: str | None
    expires_at: str | None
    storage_provider: StorageProvider  # where the file is kept: "local" disk or "s3"
    bucket: str | None  # the bucket on S3, null on local disk
    file_name: str | None  # the object's key in the bucket, or the file's name on local disk


def export_out(export: Export) -> ExportOut:
    provider, bucket, name = address(export.path) if export.path else ("local", None, None)
    return ExportOut(
        id=export.id,
        organization_id=export.organization_id,
        audience_id=export.audience_id,
        run_id=export.run_id,
        export_type=export.export_type,
        status=_STATUSES.get(export.status, "processing"),
        content_type=export.content_type,
        byte_size=export.byte_size,
        row_count=export.row_count,
        sha256=export.sha256,
        error_code=export.error_code,
        error_message=export.error_message,
        created_at=iso(export.created_at),
        completed_at=iso_or_none(export.completed_at),
        expires_at=iso_or_none(export.expires_at),
        storage_provider="s3" if provider == "s3" else "local",
        bucket=bucket,
        file_name=name,
    )


def run_object(run: Run) -> dict[str, Any]:
    """The run as `GET .../runs/{runId}` shows it, as JSON-ready built-ins."""
    shown: dict[str, Any] = msgspec.to_builtins(run_out(run))
    return shown


def export_object(export: Export) -> dict[str, Any]:
    """The export as the API shows it, without its download link (which expires)."""
    shown: dict[str, Any] = msgspec.to_builtins(export_out(export))
    return shown
