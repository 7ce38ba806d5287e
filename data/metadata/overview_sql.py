"""Counts over every run for operations (metrics and `intent status`), as SQL aggregates.

`SqlMetadataStore` runs these statements; each read is one query over `runs`.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from data.metadata.models import RunTally
from data.metadata.tables import runs
from engine.states import RunStatus, RunType

TALLY = sa.select(
    runs.c.status,
    runs.c.run_type,
    sa.func.count(),
    sa.func.coalesce(sa.func.sum(runs.c.attempts), 0),
    sa.func.coalesce(sa.func.sum(runs.c.lease_expiries), 0),
    sa.func.count().filter(runs.c.gave_up.is_(True)),
    sa.func.min(runs.c.created_at),
).group_by(runs.c.status, runs.c.run_type)


def running(limit: int) -> sa.Select[Any]:
    """Running runs, longest running first."""
    running = runs.c.status == RunStatus.RUNNING
    return sa.select(runs).where(running).order_by(runs.c.started_at, runs.c.id).limit(limit)


def failures(since: datetime) -> sa.Select[Any]:
    failed = (runs.c.status == RunStatus.FAILED, runs.c.completed_at >= since)
    return sa.select(runs.c.error_code, sa.func.count()).where(*failed).group_by(runs.c.error_code)


def tally_of(rows: Sequence[Sequence[Any]]) -> RunTally:
    by_status = {(RunStatus(row[0]), RunType(row[1])): int(row[2]) for row in rows}
    queued = [row[6] for row in rows if row[0] == RunStatus.QUEUED]
    return RunTally(
        by_status=by_status,
        oldest_queued_at=min(queued, default=None),
        attempts=sum(int(row[3]) for row in rows),
        lease_expiries=sum(int(row[4]) for row in rows),
        gave_up=sum(int(row[5]) for row in rows),
    )


def failures_of(rows: Sequence[Sequence[Any]]) -> dict[str, int]:
    return {str(code): int(count) for code, count in rows}
