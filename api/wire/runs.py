"""Runs on the wire: the queue request and the run object."""

from typing import Annotated, Final, Literal

import msgspec

from api.wire.common import Meta, iso, iso_or_none
from data.metadata.models import Run
from engine.states import RunStatus, RunType
from jobs.backfill import MAX_BACKFILL_DATES
from jobs.progress import RunStage

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DataDate = Annotated[str, msgspec.Meta(pattern=DATE_PATTERN, examples=["2026-11-27"])]


class RunCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    run_type: Literal["manual"] = "manual"  # daily runs come only from the scheduler
    data_date: DataDate | None = None


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


class RunEnvelope(msgspec.Struct):
    data: RunOut
    meta: Meta


class RunListEnvelope(msgspec.Struct):
    data: list[RunOut]
    meta: Meta


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


class PendingRun(msgspec.Struct):
    """What reading a queued or running run answers (202) where a body needs its results."""

    run: RunOut
    state: Literal["queued", "running"]


class PendingRunEnvelope(msgspec.Struct):
    data: PendingRun
    meta: Meta


class BackfillCreate(msgspec.Struct, forbid_unknown_fields=True):
    """`from` and `to` are required; they are checked after the audience is found, so that
    another organization's audience reads as missing whatever the body."""

    from_: DataDate | None = msgspec.field(default=None, name="from")
    to: DataDate | None = None
    force: bool = False


# What the document shows for BackfillCreate: both dates required, and real dates.
BACKFILL_CREATE_SCHEMA: Final = {
    "type": "object",
    "required": ["from", "to"],
    "additionalProperties": False,
    "properties": {
        "from": {"type": "string", "format": "date", "description": "first data date"},
        "to": {
            "type": "string",
            "format": "date",
            "description": "last data date, not before from",
        },
        "force": {"type": "boolean", "default": False},
    },
    "description": f"At most {MAX_BACKFILL_DATES} dates from `from` to `to`, both included.",
}


class BackfillOut(msgspec.Struct, rename="camel"):
    runs: list[RunOut]  # one queued `backfill` run per complete date of the range, oldest first
    skipped_dates: list[str]  # dates with a completed run of the same configHash (without force)


class BackfillEnvelope(msgspec.Struct):
    data: BackfillOut
    meta: Meta
