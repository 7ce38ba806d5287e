"""Decisions both metadata stores make the same way, kept pure so they cannot drift apart.

The SQL and in-memory stores apply these; the run transitions themselves live in engine.states.
"""

from dataclasses import fields, replace
from datetime import datetime
from typing import Any, Final, TypeVar

from data.metadata.models import Export, IdempotencyRecord
from data.metadata.store import IdempotencyOutcome
from data.metadata.types import as_utc

ACTIVE: Final = "active"  # the audience status that takes an organization slot
FINISHED_EXPORT: Final = frozenset({"completed", "failed"})
PROCESSING_EXPORT: Final = "processing"
FAILED_EXPORT: Final = "failed"
RESERVE_TRIES: Final = 5  # an existing record may be released between insert and read

Row = TypeVar("Row", bound=Any)  # a row dataclass of data.metadata.models


def in_utc(row: Row) -> Row:
    """`row` with every time as the same instant in UTC, as the SQL store reads them back."""
    times = {
        field.name: as_utc(value, f"{type(row).__name__}.{field.name}")
        for field in fields(row)
        if isinstance(value := getattr(row, field.name), datetime)
    }
    return replace(row, **times)


def idempotency_outcome(existing: IdempotencyRecord, fingerprint: str) -> IdempotencyOutcome:
    """What a repeated request with `fingerprint` meets when `existing` holds its key."""
    if existing.fingerprint != fingerprint:
        return "mismatch"
    if existing.status_code is None:
        return "in_flight"
    return "replay"


def abandoned(existing: IdempotencyRecord, abandoned_before: datetime | None) -> bool:
    """Whether `existing` is an in-flight record whose request died before answering."""
    in_flight = existing.status_code is None
    return in_flight and abandoned_before is not None and existing.created_at < abandoned_before


def check_finished(export: Export) -> None:
    """`finish_export` only writes a final status; anything else is a bug in the caller."""
    if export.status not in FINISHED_EXPORT:
        raise ValueError(
            f"export.status must be one of {sorted(FINISHED_EXPORT)} to finish export "
            f"{export.id}, got {export.status!r}"
        )


def check_restarted(export: Export) -> None:
    """`restart_export` only writes `processing`; anything else is a bug in the caller."""
    if export.status != PROCESSING_EXPORT:
        raise ValueError(
            f"export.status must be {PROCESSING_EXPORT!r} to restart export {export.id}, "
            f"got {export.status!r}"
        )
