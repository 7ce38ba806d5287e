"""Runs on the wire: the queue request and the run object."""

from typing import Annotated, Final, Literal

import msgspec

from api.wire.common import Meta
from jobs.backfill import MAX_BACKFILL_DATES
from jobs.wire import RunOut

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DataDate = Annotated[str, msgspec.Meta(pattern=DATE_PATTERN, examples=["2026-11-27"])]


class RunCreate(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    run_type: Literal["manual"] = "manual"  # daily runs come only from the scheduler
    data_date: DataDate | None = None


class RunEnvelope(msgspec.Struct):
    data: RunOut
    meta: Meta


class RunListEnvelope(msgspec.Struct):
    data: list[RunOut]
    meta: Meta


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
