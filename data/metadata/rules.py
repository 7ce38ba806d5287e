"""Decisions both metadata stores make the same way, kept pure so they cannot drift apart.

The SQL and in-memory stores apply these; the run and export transitions live in engine.states.
"""

from dataclasses import fields, replace
from datetime import datetime
from typing import Any, Final, TypeVar

from data.metadata.models import Export, IdempotencyRecord
from data.metadata.store import IdempotencyOutcome
from data.metadata.types import as_utc
from engine.states import ExportStatus, InvalidTransition, check_export_transition

ACTIVE: Final = "active"  # the audience status that takes an organization slot
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


def export_transition(export: Export, expected: ExportStatus) -> ExportStatus:
    """The status a guarded export write expects to find, once the table allows the change from
    it to `export.status`; a change it forbids is a bug in the caller (ValueError)."""
    try:
        check_export_transition(expected, ExportStatus(export.status))
    except (InvalidTransition, ValueError) as exc:
        raise ValueError(f"export {export.id}: {exc}") from None
    return expected


def unleased(export: Export, now: datetime) -> bool:
    """Processing, and no attempt holds a live lease on it (one may claim it)."""
    lease = export.lease_expires_at
    return export.status == ExportStatus.PROCESSING and (lease is None or lease < now)
