"""The envelope every response shares: `data` or `error`, and `meta` with time and request id.

Timestamps on the wire are UTC ISO-8601 with milliseconds and `Z`.
"""

from datetime import UTC, datetime

import msgspec


class Meta(msgspec.Struct, rename="camel", omit_defaults=True):
    timestamp: str
    request_id: str = msgspec.field(name="request_id")  # spelled as Orbit spells it
    total: int | msgspec.UnsetType = msgspec.UNSET
    limit: int | msgspec.UnsetType = msgspec.UNSET
    offset: int | msgspec.UnsetType = msgspec.UNSET


class ErrorDetail(msgspec.Struct):
    field: str
    message: str


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody
    meta: Meta


class Deleted(msgspec.Struct):
    id: str
    deleted: bool


class DeletedEnvelope(msgspec.Struct):
    data: Deleted
    meta: Meta


def iso(moment: datetime) -> str:
    """`2026-11-27T09:30:00.000Z`: UTC, milliseconds, `Z`."""
    # isoformat rather than strftime: see benchmarks/PERF.md (API timestamps).
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_or_none(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None
