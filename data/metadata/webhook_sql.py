"""Webhook endpoints, events and deliveries as SQL statements: the sender's scans and guarded
writes.

The next attempts of a batch of due deliveries are claimed with one UPDATE guarded on `pending`
and the due time (PostgreSQL skips rows another sender is claiming), and each attempt is
finished with one guarded on `pending` and the attempt it claimed; of two senders only one wins
each step.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from data.metadata.models import OrgId, WebhookDelivery, WebhookId
from data.metadata.tables import webhook_deliveries, webhook_endpoints, webhook_events
from engine.states import DeliveryStatus

PENDING = DeliveryStatus.PENDING.value


def live(org_id: OrgId | None) -> sa.Select[Any]:
    """Endpoints not deleted (of one organization), oldest first."""
    statement = sa.select(webhook_endpoints).where(webhook_endpoints.c.deleted_at.is_(None))
    if org_id is not None:
        statement = statement.where(webhook_endpoints.c.organization_id == org_id)
    return statement.order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)


def enabled() -> sa.Select[Any]:
    return live(None).where(webhook_endpoints.c.disabled_at.is_(None))


def delete(org_id: OrgId, webhook_id: WebhookId, now: datetime) -> sa.Update:
    mine = (webhook_endpoints.c.id == webhook_id, webhook_endpoints.c.organization_id == org_id)
    alive = webhook_endpoints.c.deleted_at.is_(None)
    return sa.update(webhook_endpoints).where(*mine, alive).values(deleted_at=now)


def record_result(webhook_id: WebhookId, ok: bool, disable_after: int, now: datetime) -> sa.Update:
    """A success resets the failure count; a failure adds one and disables at the threshold."""
    endpoint = webhook_endpoints.c
    statement = sa.update(webhook_endpoints).where(endpoint.id == webhook_id)
    if ok:
        return statement.values(consecutive_failures=0)
    failures = endpoint.consecutive_failures + 1
    disable = sa.case((failures >= disable_after, sa.func.coalesce(endpoint.disabled_at, now)))
    return statement.values(
        consecutive_failures=failures, disabled_at=sa.func.coalesce(endpoint.disabled_at, disable)
    )


def deliveries_of(webhook_id: WebhookId, limit: int, offset: int) -> sa.Select[Any]:
    d = webhook_deliveries.c
    newest = (d.created_at.desc(), d.id.desc())
    of_endpoint = sa.select(webhook_deliveries).where(d.webhook_id == webhook_id)
    return of_endpoint.order_by(*newest).limit(limit).offset(offset)


def tally() -> sa.Select[Any]:
    d = webhook_deliveries.c
    return sa.select(d.event_type, d.status, sa.func.count()).group_by(d.event_type, d.status)


def due(now: datetime, limit: int) -> sa.Select[Any]:
    d = webhook_deliveries.c
    waiting = (d.status == PENDING, d.next_attempt_at <= now)
    return (
        sa.select(webhook_deliveries).where(*waiting).order_by(d.next_attempt_at, d.id).limit(limit)
    )


def claim_due(now: datetime, lease_until: datetime, limit: int) -> sa.Update:
    """The next attempt of at most `limit` due deliveries, the longest waiting first: attempts
    + 1, due again at `lease_until`; RETURNING the claimed rows.

    The deliveries are picked once, in a materialized CTE (on PostgreSQL locking them and
    skipping those another sender is claiming), and updated by joining it: a subquery under
    `IN` may be run again by the planner and pick more than `limit`."""
    d = webhook_deliveries.c
    waiting = (d.status == PENDING, d.next_attempt_at <= now)
    picked = (
        sa.select(d.id)
        .where(*waiting)
        .order_by(d.next_attempt_at, d.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite writers take turns anyway
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    return (
        sa.update(webhook_deliveries)
        .where(d.id == picked.c.id, *waiting)
        .values(attempts=d.attempts + 1, next_attempt_at=lease_until)
        .returning(*webhook_deliveries.columns)
    )


OUTCOME = ("status", "next_attempt_at", "last_status_code", "last_error", "delivered_at")


def finish_all(deliveries: Sequence[WebhookDelivery]) -> sa.Update:
    """Write the outcome of attempt `delivery.attempts` of each delivery that it still owns, in
    one statement joined to the outcomes as VALUES; RETURNING the id and attempt of each row
    written."""
    d = webhook_deliveries.c
    names = ("id", "attempts", *OUTCOME)
    rows = [_outcome_row(names, delivery) for delivery in deliveries]
    outcome = (
        sa.values(*(sa.column(name, d[name].type) for name in names), name="outcome")
        .data(rows)
        .cte("outcome")
    )
    owned = (d.id == outcome.c.id, d.attempts == outcome.c.attempts, d.status == PENDING)
    return (
        sa.update(webhook_deliveries)
        .where(*owned)
        .values({name: outcome.c[name] for name in OUTCOME})
        .returning(d.id, d.attempts)
    )


def _outcome_row(names: Sequence[str], delivery: WebhookDelivery) -> tuple[Any, ...]:
    """The VALUES row of a delivery; a NULL typed as its column, so that PostgreSQL knows the
    type of a VALUES column whose every row is NULL."""
    values = vars(delivery) | {"status": delivery.status.value}
    columns = webhook_deliveries.c
    return tuple(
        sa.cast(sa.null(), columns[name].type) if values[name] is None else values[name]
        for name in names
    )


def record_event(table: sa.Table, subject_id: str, event_type: str) -> sa.Insert:
    """`INSERT INTO webhook_events SELECT` the run or export `subject_id` of `table` as an
    `event_type` event, if an enabled endpoint of its organization takes that event: run in the
    transaction that ends the subject, so the event commits exactly when the change does.
    RETURNING the id written, if any (the driver's row count of an INSERT ... SELECT is -1)."""
    subject = table.c
    w = webhook_endpoints.c
    listed = (sa.literal(" ") + w.events + sa.literal(" ")).contains(f" {event_type} ")
    wanted = sa.exists().where(
        w.organization_id == subject.organization_id,
        w.deleted_at.is_(None),
        w.disabled_at.is_(None),
        listed,
    )
    values = sa.select(
        subject.organization_id, sa.literal(event_type), subject.id, subject.completed_at
    ).where(subject.id == subject_id, wanted)
    names = ("organization_id", "event_type", "subject_id", "occurred_at")
    return sa.insert(webhook_events).from_select(names, values).returning(webhook_events.c.id)


def pending_events(limit: int) -> sa.Select[Any]:
    """The events no sender has recorded yet, oldest first: the table holds nothing else."""
    return sa.select(webhook_events).order_by(webhook_events.c.id).limit(limit)


def remove_events(event_ids: Sequence[int]) -> sa.Delete:
    return sa.delete(webhook_events).where(webhook_events.c.id.in_(event_ids))


def as_columns(events: Sequence[str]) -> str:
    return " ".join(sorted(set(events)))
