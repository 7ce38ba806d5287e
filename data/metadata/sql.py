"""The metadata store on SQLAlchemy Core, for SQLite and PostgreSQL alike.

Every run status change is one guarded UPDATE (`WHERE id AND status [AND attempts]`) checked
against engine.states; a lost race or an insert conflict returns False instead of raising.
"""

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from data.errors import MetadataError
from data.metadata import (
    export_sql,
    idempotency_sql,
    lookups,
    notify,
    overview_sql,
    rules,
    run_sql,
    steps,
    webhook_sql,
)
from data.metadata.engines import write_gate, writer
from data.metadata.models import (
    ApiKey,
    Audience,
    AudienceId,
    Export,
    ExportId,
    IdempotencyRecord,
    Organization,
    OrgId,
    Run,
    RunId,
    RunTally,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookId,
)
from data.metadata.steps import Step
from data.metadata.store import IdempotencyOutcome
from data.metadata.tables import (
    api_keys,
    audiences,
    exports,
    idempotency_keys,
    organizations,
    runs,
    webhook_deliveries,
    webhook_endpoints,
)
from engine.states import (
    EXPORT_COMPLETED,
    RUN_EVENTS,
    DeliveryStatus,
    ExportStatus,
    RunStatus,
    RunType,
)

Values = dict[str, Any]


def _values(row: sa.Row[Any]) -> Values:
    return {str(name): value for name, value in row._mapping.items()}


def _run(row: sa.Row[Any]) -> Run:
    values = _values(row)
    values["status"] = RunStatus(values["status"])
    values["run_type"] = RunType(values["run_type"])
    return Run(**values)


def _delivery(row: sa.Row[Any]) -> WebhookDelivery:
    values = _values(row)
    values["status"] = DeliveryStatus(values["status"])
    return WebhookDelivery(**values)


def _active_count(org_id: OrgId) -> sa.ScalarSelect[int]:
    # An alias, so that the count is not correlated to the row the UPDATE is changing.
    other = audiences.alias("other")
    return (
        sa.select(sa.func.count())
        .where(
            other.c.organization_id == org_id,
            other.c.status == rules.ACTIVE,
            other.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )


class SqlMetadataStore:
    """`MetadataStore` on a SQLAlchemy engine made by `data.metadata.engines.create_db_engine`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)
        self._gate = write_gate(engine)
        self._insert_run = lookups.insert_new(engine.dialect.name, runs)

    # plumbing

    def _rows(self, statement: sa.Select[Any]) -> list[sa.Row[Any]]:
        with self.engine.connect() as connection:
            return list(connection.execute(statement))

    def _row(self, statement: sa.Select[Any], params: Values | None = None) -> sa.Row[Any] | None:
        with self.engine.connect() as connection:
            return connection.execute(statement, params).first()

    @contextmanager
    def _writing(self, table: sa.Table) -> Iterator[sa.Connection]:
        """One write transaction; a broken constraint becomes a MetadataError naming `table`."""
        try:
            with self._gate, self._writer.begin() as connection:
                yield connection
        except sa.exc.IntegrityError as exc:
            raise MetadataError(f"{table.name}: {exc.orig}") from exc

    def _count(self, table: sa.Table, statement: sa.Executable) -> int:
        with self._writing(table) as connection:
            return connection.execute(statement).rowcount

    def _insert(self, table: sa.Table, values: Values) -> None:
        self._count(table, sa.insert(table).values(values))

    def _insert_new(self, table: sa.Table, values: Values) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING: False when a unique key exists already."""
        with self._writing(table) as connection:
            return self._inserted(connection, table, values)

    def _inserted(self, connection: sa.Connection, table: sa.Table, values: Values) -> bool:
        statement = self._upsert(table, values).on_conflict_do_nothing()
        return self._wrote(connection, table, statement)

    def _upsert(self, table: sa.Table, values: Values | list[Values]) -> idempotency_sql.Insert:
        """An INSERT of `values` that can say what to do on a conflict (both dialects have it)."""
        if self.engine.dialect.name == "postgresql":
            return postgresql.insert(table).values(values)
        return sqlite.insert(table).values(values)

    @staticmethod
    def _wrote(connection: sa.Connection, table: sa.Table, statement: sa.Insert) -> bool:
        # RETURNING tells whether a row was written: drivers need not report an upsert's rowcount.
        returning = statement.returning(*table.primary_key.columns)
        return connection.execute(returning).first() is not None

    # organizations and keys

    def create_organization(self, name: str, audience_slots: int, now: datetime) -> Organization:
        org = rules.in_utc(Organization(OrgId(str(uuid.uuid4())), name, audience_slots, now))
        self._insert(organizations, vars(org))
        return org

    def get_organization(self, org_id: OrgId) -> Organization | None:
        row = self._row(sa.select(organizations).where(organizations.c.id == org_id))
        return None if row is None else Organization(**_values(row))

    def find_organization(self, name: str) -> Organization | None:
        row = self._row(sa.select(organizations).where(organizations.c.name == name))
        return None if row is None else Organization(**_values(row))

    def create_api_key(self, key: ApiKey) -> None:
        self._insert(api_keys, vars(key))

    def get_api_key(self, key_id: str) -> ApiKey | None:
        row = self._row(lookups.API_KEY, {"key_id": key_id})
        return None if row is None else ApiKey(**_values(row))

    def list_api_keys(self, org_id: OrgId | None = None) -> list[ApiKey]:
        statement = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
        if org_id is not None:
            statement = statement.where(api_keys.c.organization_id == org_id)
        return [ApiKey(**_values(row)) for row in self._rows(statement)]

    def revoke_api_key(self, key_id: str, now: datetime) -> bool:
        statement = (
            sa.update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return self._count(api_keys, statement) == 1

    # audiences

    def create_audience(self, audience: Audience) -> None:
        self._insert(audiences, vars(audience))

    def _visible(self, org_id: OrgId) -> list[sa.ColumnElement[bool]]:
        return [audiences.c.organization_id == org_id, audiences.c.deleted_at.is_(None)]

    def get_audience(self, org_id: OrgId | None, audience_id: AudienceId) -> Audience | None:
        if org_id is None:
            row = self._row(lookups.ANY_LIVE_AUDIENCE, {"audience_id": audience_id})
        else:
            row = self._row(lookups.LIVE_AUDIENCE, {"audience_id": audience_id, "org_id": org_id})
        return None if row is None else Audience(**_values(row))

    def list_audiences(
        self, org_id: OrgId, status: str | None, limit: int, offset: int
    ) -> tuple[list[Audience], int]:
        where = self._visible(org_id)
        if status is not None:
            where.append(audiences.c.status == status)
        page = sa.select(audiences).where(*where).order_by(*run_sql.newest_first(audiences))
        total = sa.select(sa.func.count()).select_from(audiences).where(*where)
        with self.engine.connect() as connection:
            rows = connection.execute(page.limit(limit).offset(offset))
            found = [Audience(**_values(row)) for row in rows]
            return found, connection.execute(total).scalar_one()

    def update_audience(self, audience: Audience, *, max_active: int | None = None) -> bool:
        where = [audiences.c.id == audience.id, *self._visible(audience.organization_id)]
        if max_active is not None and audience.status == rules.ACTIVE:
            already = audiences.c.status == rules.ACTIVE
            where.append(sa.or_(already, _active_count(audience.organization_id) < max_active))
        statement = sa.update(audiences).where(*where).values(self._editable(audience))
        with self._writing(audiences) as connection:
            if max_active is not None:
                self._lock_organization(connection, audience.organization_id)
            return connection.execute(statement).rowcount == 1

    @staticmethod
    def _editable(audience: Audience) -> Values:
        fields = ("name", "status", "config_json", "config_hash", "updated_at")
        return {field: getattr(audience, field) for field in fields}

    @staticmethod
    def _lock_organization(connection: sa.Connection, org_id: OrgId) -> None:
        """Serialize slot changes of one organization (PostgreSQL row lock; on SQLite the
        transaction already holds the database write lock, and FOR UPDATE is not rendered)."""
        lock = sa.select(organizations.c.id).where(organizations.c.id == org_id).with_for_update()
        connection.execute(lock)

    def delete_audience(self, org_id: OrgId, audience_id: AudienceId, now: datetime) -> bool:
        statement = (
            sa.update(audiences)
            .where(audiences.c.id == audience_id, *self._visible(org_id))
            .values(deleted_at=now, updated_at=now)
        )
        cancel = run_sql.transition_of_audience(audience_id, steps.cancel(now))
        with self._writing(audiences) as connection:
            if connection.execute(statement).rowcount != 1:
                return False
            connection.execute(cancel)  # its queued runs would only be executed for nothing
            return True

    def active_audiences(self) -> list[Audience]:
        statement = (
            sa.select(audiences)
            .where(audiences.c.status == rules.ACTIVE, audiences.c.deleted_at.is_(None))
            .order_by(audiences.c.created_at, audiences.c.id)
        )
        return [Audience(**_values(row)) for row in self._rows(statement)]

    # runs

    def insert_run(self, run: Run) -> bool:
        with self._writing(runs) as connection:
            return connection.execute(self._insert_run, vars(run)).first() is not None

    def get_runs(self, run_ids: Sequence[RunId]) -> list[Run]:
        if not run_ids:
            return []
        return [_run(row) for row in self._rows(sa.select(runs).where(runs.c.id.in_(run_ids)))]

    def get_run(self, run_id: RunId, org_id: OrgId | None = None) -> Run | None:
        if org_id is None:
            row = self._row(lookups.RUN, {"run_id": run_id})
        else:
            row = self._row(lookups.RUN_OF_ORG, {"run_id": run_id, "org_id": org_id})
        return None if row is None else _run(row)

    def list_runs(
        self,
        audience_id: AudienceId,
        status: RunStatus | None,
        limit: int,
        offset: int = 0,
        *,
        run_type: RunType | None = None,
        data_date: str | None = None,
    ) -> list[Run]:
        statement = run_sql.of_audience(audience_id, status, run_type, data_date)
        return [_run(row) for row in self._rows(statement.limit(limit).offset(offset))]

    def completed_run_dates(self, audience_id: AudienceId, config_hash: str) -> set[str]:
        statement = run_sql.completed_dates(audience_id, config_hash)
        return {row.data_date for row in self._rows(statement)}

    def latest_completed_run(self, audience_id: AudienceId) -> Run | None:
        row = self._row(run_sql.latest_completed(audience_id))
        return None if row is None else _run(row)

    def previous_completed_run(self, audience_id: AudienceId, data_date: str) -> Run | None:
        row = self._row(run_sql.previous_completed(audience_id, data_date))
        return None if row is None else _run(row)

    def _step(self, run_id: RunId, step: Step) -> bool:
        """The guarded UPDATE; a run that ends also becomes a webhook event in its transaction."""
        event = RUN_EVENTS.get(step.target)
        with self._writing(runs) as connection:
            if connection.execute(run_sql.transition(run_id, step)).rowcount != 1:
                return False
            if event is not None:
                self._record_event(connection, runs, run_id, event)
            return True

    def _record_event(
        self, connection: sa.Connection, table: sa.Table, subject_id: str, event: str
    ) -> None:
        """The subject's webhook event, if an endpoint takes it; on PostgreSQL a written event
        also notifies the senders listening (`notify.listen`) as the transaction commits."""
        written = connection.execute(webhook_sql.record_event(table, subject_id, event)).first()
        if written is not None and self.engine.dialect.name == "postgresql":
            connection.execute(notify.notify())

    def claim_run(self, run_id: RunId, now: datetime, lease_until: datetime) -> Run | None:
        claim = run_sql.transition(run_id, steps.claim(now, lease_until)).returning(*runs.c)
        with self._writing(runs) as connection:
            row = connection.execute(claim).first()
        return None if row is None else _run(row)

    def heartbeat(self, run_id: RunId, attempt: int, lease_until: datetime) -> bool:
        return self._count(runs, run_sql.heartbeat(run_id, attempt, lease_until)) == 1

    def complete_run(
        self,
        run_id: RunId,
        attempt: int,
        *,
        candidate_count: int,
        result_count: int,
        snapshot_path: str,
        now: datetime,
    ) -> bool:
        step = steps.complete(attempt, candidate_count, result_count, snapshot_path, now)
        return self._step(run_id, step)

    def fail_run(
        self,
        run_id: RunId,
        attempt: int | None,
        code: str,
        message: str,
        now: datetime,
        *,
        lease_expired: bool = False,
        gave_up: bool = False,
    ) -> bool:
        """running -> failed, fenced by `attempt` (None: whichever attempt is running)."""
        step = steps.fail(attempt, code, message, now, lease_expired=lease_expired, gave_up=gave_up)
        return self._step(run_id, step)

    def requeue_run(
        self,
        run_id: RunId,
        attempt: int,
        now: datetime,
        code: str | None = None,
        message: str | None = None,
        *,
        lease_expired: bool = False,
    ) -> bool:
        """running -> queued, fenced by `attempt`; see `steps.requeue`."""
        step = steps.requeue(attempt, code, message, lease_expired=lease_expired)
        return self._step(run_id, step)

    def cancel_run(self, run_id: RunId, now: datetime) -> bool:
        return self._step(run_id, steps.cancel(now))

    def set_run_stage(self, run_id: RunId, attempt: int, stage: str, progress: float) -> bool:
        return self._count(runs, run_sql.set_stage(run_id, attempt, stage, progress)) == 1

    def mark_enqueued(self, run_ids: Sequence[RunId], now: datetime | None) -> None:
        if run_ids:
            self._count(runs, run_sql.mark_enqueued(run_ids, now))

    def queued_runs_not_enqueued_since(self, before: datetime, limit: int = 500) -> list[Run]:
        return [_run(row) for row in self._rows(run_sql.queued_not_enqueued_since(before, limit))]

    def expired_leases(self, now: datetime, limit: int = 500) -> list[Run]:
        return [_run(row) for row in self._rows(run_sql.expired_leases(now, limit))]

    def snapshot_paths(self) -> set[str]:
        return {row.snapshot_path for row in self._rows(run_sql.snapshot_paths())}

    def run_exists(self, audience_id: AudienceId, data_date: str, run_type: RunType) -> bool:
        return self._row(run_sql.exists(audience_id, data_date, run_type)) is not None

    def latest_run_date(self, audience_id: AudienceId, run_type: RunType) -> str | None:
        row = self._row(run_sql.latest_date(audience_id, run_type))
        return None if row is None else row.data_date

    # operations

    def run_tally(self) -> RunTally:
        return overview_sql.tally_of(self._rows(overview_sql.TALLY))

    def running_runs(self, limit: int = 100) -> list[Run]:
        return [_run(row) for row in self._rows(overview_sql.running(limit))]

    def failure_counts(self, since: datetime) -> dict[str, int]:
        return overview_sql.failures_of(self._rows(overview_sql.failures(since)))

    # exports

    def create_export(self, export: Export) -> bool:
        return self._insert_new(exports, vars(export))

    def get_export(self, export_id: ExportId, org_id: OrgId | None = None) -> Export | None:
        statement = sa.select(exports).where(exports.c.id == export_id)
        if org_id is not None:
            statement = statement.where(exports.c.organization_id == org_id)
        row = self._row(statement)
        return None if row is None else Export(**_values(row))

    def get_exports(self, export_ids: Sequence[ExportId]) -> list[Export]:
        if not export_ids:
            return []
        statement = sa.select(exports).where(exports.c.id.in_(export_ids))
        return [Export(**_values(row)) for row in self._rows(statement)]

    def find_export(self, run_id: RunId, export_type: str) -> Export | None:
        row = self._row(export_sql.of_run(run_id, export_type))
        return None if row is None else Export(**_values(row))

    def list_exports(self, run_id: RunId) -> list[Export]:
        return [Export(**_values(row)) for row in self._rows(export_sql.of_run(run_id))]

    def finish_export(self, export: Export) -> bool:
        """The guarded rewrite; a completed export also becomes a webhook event in its
        transaction."""
        expected = rules.export_transition(export, ExportStatus.PROCESSING)
        with self._writing(exports) as connection:
            rewrite = export_sql.rewrite(export, expected, export.attempts)
            if connection.execute(rewrite).rowcount != 1:
                return False
            if export.status == ExportStatus.COMPLETED:
                self._record_event(connection, exports, export.id, EXPORT_COMPLETED)
            return True

    def unattended_exports(
        self, now: datetime, sent_before: datetime, limit: int = 500
    ) -> list[Export]:
        rows = self._rows(export_sql.unattended(now, sent_before, limit))
        return [Export(**_values(row)) for row in rows]

    def claim_export(self, export: Export, now: datetime, lease_until: datetime) -> bool:
        return self._count(exports, export_sql.claim(export, now, lease_until)) == 1

    def heartbeat_export(self, export_id: ExportId, attempt: int, lease_until: datetime) -> bool:
        return self._count(exports, export_sql.heartbeat(export_id, attempt, lease_until)) == 1

    def mark_export_enqueued(self, export_id: ExportId, at: datetime) -> bool:
        return self._count(exports, export_sql.mark_enqueued(export_id, at)) == 1

    def restart_export(self, export: Export) -> bool:
        expected = rules.export_transition(export, ExportStatus.FAILED)
        return self._count(exports, export_sql.rewrite(export, expected)) == 1

    # webhooks

    def create_webhook(self, endpoint: WebhookEndpoint) -> None:
        self._insert(webhook_endpoints, vars(rules.in_utc(endpoint)))

    def get_webhook(self, org_id: OrgId, webhook_id: WebhookId) -> WebhookEndpoint | None:
        row = self._row(webhook_sql.live(org_id).where(webhook_endpoints.c.id == webhook_id))
        return None if row is None else WebhookEndpoint(**_values(row))

    def list_webhooks(self, org_id: OrgId) -> list[WebhookEndpoint]:
        return [WebhookEndpoint(**_values(row)) for row in self._rows(webhook_sql.live(org_id))]

    def delete_webhook(self, org_id: OrgId, webhook_id: WebhookId, now: datetime) -> bool:
        return self._count(webhook_endpoints, webhook_sql.delete(org_id, webhook_id, now)) == 1

    def enabled_webhooks(self) -> list[WebhookEndpoint]:
        return [WebhookEndpoint(**_values(row)) for row in self._rows(webhook_sql.enabled())]

    def record_webhook_result(
        self, webhook_id: WebhookId, ok: bool, disable_after: int, now: datetime
    ) -> None:
        self._count(
            webhook_endpoints, webhook_sql.record_result(webhook_id, ok, disable_after, now)
        )

    def create_deliveries(
        self, deliveries: Sequence[WebhookDelivery], recorded: Sequence[int] = ()
    ) -> list[WebhookDelivery]:
        if not (deliveries or recorded):
            return []
        rows = [vars(rules.in_utc(d)) | {"status": d.status.value} for d in deliveries]
        statement = self._upsert(webhook_deliveries, rows).on_conflict_do_nothing()
        with self._writing(webhook_deliveries) as connection:
            ids: set[str] = set()
            if deliveries:
                written = connection.execute(statement.returning(webhook_deliveries.c.id))
                ids = set(written.scalars())
            if recorded:
                connection.execute(webhook_sql.remove_events(recorded))
        return [d for d in deliveries if d.id in ids]

    def pending_webhook_events(self, limit: int = 500) -> list[WebhookEvent]:
        return [
            WebhookEvent(**_values(row)) for row in self._rows(webhook_sql.pending_events(limit))
        ]

    def get_delivery(self, delivery_id: str) -> WebhookDelivery | None:
        d = webhook_deliveries.c
        row = self._row(sa.select(webhook_deliveries).where(d.id == delivery_id))
        return None if row is None else _delivery(row)

    def list_deliveries(
        self, webhook_id: WebhookId, limit: int, offset: int = 0
    ) -> list[WebhookDelivery]:
        statement = webhook_sql.deliveries_of(webhook_id, limit, offset)
        return [_delivery(row) for row in self._rows(statement)]

    def delivery_tally(self) -> dict[tuple[str, DeliveryStatus], int]:
        rows: list[Sequence[Any]] = list(self._rows(webhook_sql.tally()))
        return {(row[0], DeliveryStatus(row[1])): int(row[2]) for row in rows}

    def due_deliveries(self, now: datetime, limit: int = 500) -> list[WebhookDelivery]:
        return [_delivery(row) for row in self._rows(webhook_sql.due(now, limit))]

    def claim_deliveries(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[WebhookDelivery]:
        claim = webhook_sql.claim_due(now, lease_until, limit)
        with self._writing(webhook_deliveries) as connection:
            claimed = [_delivery(row) for row in connection.execute(claim)]
        return sorted(claimed, key=lambda d: (d.created_at, d.id))

    def finish_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        if not deliveries:
            return []
        finish = webhook_sql.finish_all([rules.in_utc(d) for d in deliveries])
        with self._writing(webhook_deliveries) as connection:
            written = {(row[0], row[1]) for row in connection.execute(finish)}
        return [(d.id, d.attempts) in written for d in deliveries]

    # idempotency

    def reserve_idempotency_key(
        self,
        org_id: OrgId,
        key: str,
        fingerprint: str,
        now: datetime,
        *,
        abandoned_before: datetime | None = None,
    ) -> tuple[IdempotencyOutcome, IdempotencyRecord]:
        record = rules.in_utc(IdempotencyRecord(org_id, key, fingerprint, now))
        for _ in range(rules.RESERVE_TRIES):
            with self._writing(idempotency_keys) as connection:
                if self._reserved(connection, record, abandoned_before):
                    return "new", record
                row = connection.execute(idempotency_sql.row(org_id, key)).first()
            if row is not None:
                existing = IdempotencyRecord(**_values(row))
                return rules.idempotency_outcome(existing, fingerprint), existing
        raise MetadataError(f"idempotency_keys: key {key!r} keeps changing; try again")

    def _reserved(
        self,
        connection: sa.Connection,
        record: IdempotencyRecord,
        abandoned_before: datetime | None,
    ) -> bool:
        """Insert `record`, or put it in place of an abandoned in-flight one."""
        if abandoned_before is None:
            return self._inserted(connection, idempotency_keys, vars(record))
        insert = self._upsert(idempotency_keys, vars(record))
        takeover = idempotency_sql.take_over(insert, record, abandoned_before)
        return self._wrote(connection, idempotency_keys, takeover)

    def complete_idempotency_key(
        self, org_id: OrgId, key: str, status_code: int, body: bytes
    ) -> None:
        self._count(idempotency_keys, idempotency_sql.answer(org_id, key, status_code, body))

    def release_idempotency_key(self, org_id: OrgId, key: str) -> None:
        self._count(idempotency_keys, idempotency_sql.release(org_id, key))

    def purge_idempotency_keys(self, older_than: datetime) -> int:
        return self._count(idempotency_keys, idempotency_sql.purge(older_than))
