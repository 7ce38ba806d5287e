"""Stored exports as SQL statements: lookups, the rebuild's stale scan and the guarded rewrite.

A rewrite is one UPDATE guarded on the status it expects, so of two writers only one wins.
"""

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa

from data.metadata.models import Export, RunId
from data.metadata.tables import exports
from engine.states import ExportStatus

OWNERS: Final = frozenset({"id", "organization_id", "audience_id", "run_id"})  # never rewritten


def of_run(run_id: RunId, export_type: str | None = None) -> sa.Select[Any]:
    """A run's exports (of one type), oldest first."""
    statement = sa.select(exports).where(exports.c.run_id == run_id)
    if export_type is not None:
        statement = statement.where(exports.c.export_type == export_type)
    return statement.order_by(exports.c.created_at, exports.c.id)


def stale(started_before: datetime, limit: int) -> sa.Select[Any]:
    processing = exports.c.status == ExportStatus.PROCESSING
    old = exports.c.created_at < started_before
    oldest_first = (exports.c.created_at, exports.c.id)
    return sa.select(exports).where(processing, old).order_by(*oldest_first).limit(limit)


def rewrite(export: Export, expected: str) -> sa.Update:
    """`UPDATE exports SET <every field but the owners> WHERE id AND status = expected`."""
    values = {field: value for field, value in vars(export).items() if field not in OWNERS}
    guard = (exports.c.id == export.id, exports.c.status == expected)
    return sa.update(exports).where(*guard).values(values)
