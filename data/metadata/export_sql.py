"""Stored exports as SQL statements: lookups, the reconciler's scan, the lease (claim and
heartbeat) and the guarded rewrite.

Each write is one UPDATE guarded on the status (and attempt) it expects, so of two writers only
one wins.
"""

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa

from data.metadata.models import Export, ExportId, RunId
from data.metadata.tables import exports
from engine.states import ExportStatus

OWNERS: Final = frozenset({"id", "organization_id", "audience_id", "run_id"})  # never rewritten


def of_run(run_id: RunId, export_type: str | None = None) -> sa.Select[Any]:
    """A run's exports (of one type), oldest first."""
    statement = sa.select(exports).where(exports.c.run_id == run_id)
    if export_type is not None:
        statement = statement.where(exports.c.export_type == export_type)
    return statement.order_by(exports.c.created_at, exports.c.id)


def _unleased(now: datetime) -> sa.ColumnElement[bool]:
    """Processing, and no attempt holds a live lease on it."""
    lease = exports.c.lease_expires_at
    return sa.and_(
        exports.c.status == ExportStatus.PROCESSING, sa.or_(lease.is_(None), lease < now)
    )


def unattended(now: datetime, sent_before: datetime, limit: int) -> sa.Select[Any]:
    sent = sa.func.coalesce(exports.c.last_enqueued_at, exports.c.created_at)
    oldest_first = (exports.c.created_at, exports.c.id)
    statement = sa.select(exports).where(_unleased(now), sent < sent_before)
    return statement.order_by(*oldest_first).limit(limit)


def claim(export: Export, now: datetime, lease_until: datetime) -> sa.Update:
    guard = (exports.c.id == export.id, exports.c.attempts == export.attempts, _unleased(now))
    values = {"attempts": export.attempts + 1, "lease_expires_at": lease_until}
    return sa.update(exports).where(*guard).values(values)


def heartbeat(export_id: ExportId, attempt: int, lease_until: datetime) -> sa.Update:
    processing = (exports.c.status == ExportStatus.PROCESSING, exports.c.attempts == attempt)
    guard = (exports.c.id == export_id, *processing)
    return sa.update(exports).where(*guard).values(lease_expires_at=lease_until)


def mark_enqueued(export_id: ExportId, at: datetime) -> sa.Update:
    guard = (exports.c.id == export_id, exports.c.status == ExportStatus.PROCESSING)
    return sa.update(exports).where(*guard).values(last_enqueued_at=at)


def rewrite(export: Export, expected: str, attempt: int | None = None) -> sa.Update:
    """`UPDATE exports SET <every field but the owners> WHERE id AND status = expected` (and
    `attempts = attempt` when given: only the attempt holding the lease finishes a build)."""
    values = {field: value for field, value in vars(export).items() if field not in OWNERS}
    guard = [exports.c.id == export.id, exports.c.status == expected]
    if attempt is not None:
        guard.append(exports.c.attempts == attempt)
    return sa.update(exports).where(*guard).values(values)
