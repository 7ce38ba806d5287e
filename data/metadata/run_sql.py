"""The run lifecycle as SQL statements: guarded status changes and the reconciler's queries.

Each status change is one `transition`: a `steps.Step` written as an UPDATE guarded on the
expected status (and attempt), so a lost race updates no row.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from data.metadata.models import AudienceId, RunId
from data.metadata.steps import Step
from data.metadata.tables import runs
from engine.states import RunStatus, RunType


def newest_first(table: sa.Table) -> tuple[sa.UnaryExpression[Any], ...]:
    return table.c.created_at.desc(), table.c.id.desc()


def transition(run_id: RunId, step: Step) -> sa.Update:
    """`UPDATE runs SET status = target, ... WHERE id AND status = current [AND attempts]`."""
    return _guarded(step, runs.c.id == run_id)


def transition_of_audience(audience_id: AudienceId, step: Step) -> sa.Update:
    """`step` applied to every run of the audience that is in its status (and attempt)."""
    return _guarded(step, runs.c.audience_id == audience_id)


def _guarded(step: Step, rows: sa.ColumnElement[bool]) -> sa.Update:
    guard = [rows, runs.c.status == step.current]
    if step.attempt is not None:
        guard.append(runs.c.attempts == step.attempt)
    changes = dict(step.changes, status=step.target)
    for column in step.counts:
        changes[column] = runs.c[column] + 1
    return sa.update(runs).where(*guard).values(changes)


def heartbeat(run_id: RunId, attempt: int, lease_until: datetime) -> sa.Update:
    running = (runs.c.status == RunStatus.RUNNING, runs.c.attempts == attempt)
    return sa.update(runs).where(runs.c.id == run_id, *running).values(lease_expires_at=lease_until)


def set_stage(run_id: RunId, attempt: int, stage: str, progress: float) -> sa.Update:
    running = (runs.c.status == RunStatus.RUNNING, runs.c.attempts == attempt)
    return (
        sa.update(runs).where(runs.c.id == run_id, *running).values(stage=stage, progress=progress)
    )


def mark_enqueued(run_ids: Sequence[RunId], now: datetime | None) -> sa.Update:
    queued = runs.c.status == RunStatus.QUEUED
    return sa.update(runs).where(runs.c.id.in_(run_ids), queued).values(last_enqueued_at=now)


def of_audience(
    audience_id: AudienceId,
    status: RunStatus | None,
    run_type: RunType | None = None,
    data_date: str | None = None,
) -> sa.Select[Any]:
    """The audience's runs newest first, narrowed by each filter that is not None."""
    wanted = ((runs.c.status, status), (runs.c.run_type, run_type), (runs.c.data_date, data_date))
    matches = [column == value for column, value in wanted if value is not None]
    statement = sa.select(runs).where(runs.c.audience_id == audience_id, *matches)
    return statement.order_by(*newest_first(runs))


def completed_dates(audience_id: AudienceId, config_hash: str) -> sa.Select[Any]:
    done = (runs.c.status == RunStatus.COMPLETED, runs.c.config_hash == config_hash)
    return sa.select(runs.c.data_date).where(runs.c.audience_id == audience_id, *done).distinct()


def latest_completed(audience_id: AudienceId) -> sa.Select[Any]:
    completed = runs.c.status == RunStatus.COMPLETED
    return (
        sa.select(runs)
        .where(runs.c.audience_id == audience_id, completed)
        .order_by(runs.c.completed_at.desc(), *newest_first(runs))
        .limit(1)
    )


def previous_completed(audience_id: AudienceId, data_date: str) -> sa.Select[Any]:
    completed = runs.c.status == RunStatus.COMPLETED
    return (
        sa.select(runs)
        .where(runs.c.audience_id == audience_id, completed, runs.c.data_date < data_date)
        .order_by(runs.c.data_date.desc(), runs.c.completed_at.desc(), *newest_first(runs))
        .limit(1)
    )


def queued_not_enqueued_since(before: datetime, limit: int) -> sa.Select[Any]:
    stale = sa.or_(runs.c.last_enqueued_at.is_(None), runs.c.last_enqueued_at < before)
    return (
        sa.select(runs)
        .where(runs.c.status == RunStatus.QUEUED, stale)
        .order_by(runs.c.created_at, runs.c.id)
        .limit(limit)
    )


def expired_leases(now: datetime, limit: int) -> sa.Select[Any]:
    return (
        sa.select(runs)
        .where(runs.c.status == RunStatus.RUNNING, runs.c.lease_expires_at < now)
        .order_by(runs.c.lease_expires_at, runs.c.id)
        .limit(limit)
    )


def snapshot_paths() -> sa.Select[Any]:
    published = (runs.c.status == RunStatus.COMPLETED, runs.c.snapshot_path.is_not(None))
    return sa.select(runs.c.snapshot_path).where(*published).distinct()


def latest_date(audience_id: AudienceId, run_type: RunType) -> sa.Select[Any]:
    kind = (runs.c.audience_id == audience_id, runs.c.run_type == run_type)
    return sa.select(sa.func.max(runs.c.data_date).label("data_date")).where(*kind)


def exists(audience_id: AudienceId, data_date: str, run_type: RunType) -> sa.Select[Any]:
    same = (runs.c.data_date == data_date, runs.c.run_type == run_type)
    return sa.select(runs.c.id).where(runs.c.audience_id == audience_id, *same).limit(1)
