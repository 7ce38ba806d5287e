"""The metadata store in memory: dictionaries behind one lock, with the SQL store's semantics.

Used by tests and the in-process demo; it passes the same contract suite as `SqlMetadataStore`,
including its foreign keys and unique keys.
"""

import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from data.errors import MetadataError
from data.metadata import rules, steps
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
)
from data.metadata.steps import Step
from data.metadata.store import IdempotencyOutcome
from engine.states import RunStatus, RunType


class _Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


Row = TypeVar("Row", bound=_Row)


def _newest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)


def _oldest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.created_at, row.id))


def _require(table: str, column: str, value: str, present: Callable[[str], bool]) -> None:
    if not present(value):
        raise MetadataError(f"{table}: {column} {value!r} refers to no existing row")


class MemoryMetadataStore:
    """`MetadataStore` in process memory; every method holds the one lock while it runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._orgs: dict[OrgId, Organization] = {}
        self._keys: dict[str, ApiKey] = {}
        self._audiences: dict[AudienceId, Audience] = {}
        self._runs: dict[RunId, Run] = {}
        self._exports: dict[ExportId, Export] = {}
        self._idempotency: dict[tuple[OrgId, str], IdempotencyRecord] = {}

    # organizations and keys

    def create_organization(self, name: str, audience_slots: int, now: datetime) -> Organization:
        org = rules.in_utc(Organization(OrgId(str(uuid.uuid4())), name, audience_slots, now))
        with self._lock:
            if self.find_organization(name) is not None:
                raise MetadataError(f"organizations: name {name!r} exists already")
            self._orgs[org.id] = org
        return org

    def get_organization(self, org_id: OrgId) -> Organization | None:
        with self._lock:
            return self._orgs.get(org_id)

    def find_organization(self, name: str) -> Organization | None:
        with self._lock:
            return next((org for org in self._orgs.values() if org.name == name), None)

    def create_api_key(self, key: ApiKey) -> None:
        with self._lock:
            self._require_org("api_keys", key.organization_id)
            self._insert_unique("api_keys", self._keys, key.id, key)

    def get_api_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def list_api_keys(self, org_id: OrgId | None = None) -> list[ApiKey]:
        with self._lock:
            keys = [k for k in self._keys.values() if org_id in (None, k.organization_id)]
        return _oldest_first(keys)

    def revoke_api_key(self, key_id: str, now: datetime) -> bool:
        with self._lock:
            key = self._keys.get(key_id)
            if key is None or key.revoked_at is not None:
                return False
            self._keys[key_id] = rules.in_utc(replace(key, revoked_at=now))
            return True

    def _require_org(self, table: str, org_id: OrgId) -> None:
        _require(table, "organization_id", org_id, lambda value: value in self._orgs)

    @staticmethod
    def _insert_unique(table: str, rows: dict[Any, Any], key: Any, row: Any) -> None:
        if key in rows:
            raise MetadataError(f"{table}: id {key!r} exists already")
        rows[key] = rules.in_utc(row)

    # audiences

    def create_audience(self, audience: Audience) -> None:
        with self._lock:
            self._require_org("audiences", audience.organization_id)
            self._insert_unique("audiences", self._audiences, audience.id, audience)

    def get_audience(self, org_id: OrgId, audience_id: AudienceId) -> Audience | None:
        with self._lock:
            audience = self._audiences.get(audience_id)
        if audience is None or audience.deleted_at is not None:
            return None
        return audience if audience.organization_id == org_id else None

    def _visible(self, org_id: OrgId) -> list[Audience]:
        return [
            audience
            for audience in self._audiences.values()
            if audience.organization_id == org_id and audience.deleted_at is None
        ]

    def list_audiences(
        self, org_id: OrgId, status: str | None, limit: int, offset: int
    ) -> tuple[list[Audience], int]:
        with self._lock:
            found = [a for a in self._visible(org_id) if status in (None, a.status)]
        return _newest_first(found)[offset : offset + limit], len(found)

    def update_audience(self, audience: Audience, *, max_active: int | None = None) -> bool:
        with self._lock:
            current = self.get_audience(audience.organization_id, audience.id)
            if current is None or not self._slot_free(current, audience, max_active):
                return False
            fields = ("name", "status", "config_json", "config_hash", "updated_at")
            changes = {field: getattr(audience, field) for field in fields}
            self._audiences[audience.id] = rules.in_utc(replace(current, **changes))
            return True

    def _slot_free(self, current: Audience, target: Audience, max_active: int | None) -> bool:
        if max_active is None or target.status != rules.ACTIVE or current.status == rules.ACTIVE:
            return True
        active = [a for a in self._visible(current.organization_id) if a.status == rules.ACTIVE]
        return len(active) < max_active

    def delete_audience(self, org_id: OrgId, audience_id: AudienceId, now: datetime) -> bool:
        with self._lock:
            audience = self.get_audience(org_id, audience_id)
            if audience is None:
                return False
            self._audiences[audience_id] = rules.in_utc(
                replace(audience, deleted_at=now, updated_at=now)
            )
            return True

    def active_audiences(self) -> list[Audience]:
        with self._lock:
            active = [
                audience
                for audience in self._audiences.values()
                if audience.status == rules.ACTIVE and audience.deleted_at is None
            ]
        return _oldest_first(active)

    # runs

    def insert_run(self, run: Run) -> bool:
        with self._lock:
            self._require_org("runs", run.organization_id)
            _require("runs", "audience_id", run.audience_id, lambda v: v in self._audiences)
            daily = run.run_type == RunType.DAILY
            if run.id in self._runs or (daily and self._daily_exists(run)):
                return False
            self._runs[run.id] = rules.in_utc(run)
            return True

    def _daily_exists(self, run: Run) -> bool:
        return self.run_exists(run.audience_id, run.data_date, RunType.DAILY)

    def get_run(self, run_id: RunId, org_id: OrgId | None = None) -> Run | None:
        with self._lock:
            run = self._runs.get(run_id)
        if run is None or org_id not in (None, run.organization_id):
            return None
        return run

    def list_runs(
        self, audience_id: AudienceId, status: RunStatus | None, limit: int, offset: int = 0
    ) -> list[Run]:
        found = self._select(lambda r: r.audience_id == audience_id and status in (None, r.status))
        return _newest_first(found)[offset : offset + limit]

    def _select(self, keep: Callable[[Run], bool]) -> list[Run]:
        with self._lock:
            return [run for run in self._runs.values() if keep(run)]

    def latest_completed_run(self, audience_id: AudienceId) -> Run | None:
        done = self._select(
            lambda r: r.audience_id == audience_id and r.status == RunStatus.COMPLETED
        )
        return max(done, key=lambda r: (r.completed_at, r.created_at, r.id), default=None)

    def _step(self, run_id: RunId, step: Step) -> Run | None:
        """The guarded write: apply `step` only if the run is in its status (and attempt)."""
        with self._lock:
            run = self._runs.get(run_id)
            if (
                run is None
                or run.status != step.current
                or step.attempt not in (None, run.attempts)
            ):
                return None
            attempts = run.attempts + 1 if step.next_attempt else run.attempts
            changed = rules.in_utc(
                replace(run, status=step.target, attempts=attempts, **step.changes)
            )
            self._runs[run_id] = changed
            return changed

    def claim_run(self, run_id: RunId, now: datetime, lease_until: datetime) -> Run | None:
        return self._step(run_id, steps.claim(now, lease_until))

    def heartbeat(self, run_id: RunId, attempt: int, lease_until: datetime) -> bool:
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.status != RunStatus.RUNNING or run.attempts != attempt:
                return False
            self._runs[run_id] = rules.in_utc(replace(run, lease_expires_at=lease_until))
            return True

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
        return self._step(run_id, step) is not None

    def fail_run(
        self, run_id: RunId, attempt: int | None, code: str, message: str, now: datetime
    ) -> bool:
        """running -> failed, fenced by `attempt` (None: whichever attempt is running)."""
        return self._step(run_id, steps.fail(attempt, code, message, now)) is not None

    def requeue_run(
        self,
        run_id: RunId,
        attempt: int,
        now: datetime,
        code: str | None = None,
        message: str | None = None,
    ) -> bool:
        """running -> queued, fenced by `attempt`; see `steps.requeue`."""
        return self._step(run_id, steps.requeue(attempt, code, message)) is not None

    def cancel_run(self, run_id: RunId, now: datetime) -> bool:
        return self._step(run_id, steps.cancel(now)) is not None

    def mark_enqueued(self, run_ids: Sequence[RunId], now: datetime | None) -> None:
        with self._lock:
            for run in self._select(lambda r: r.id in run_ids and r.status == RunStatus.QUEUED):
                self._runs[run.id] = rules.in_utc(replace(run, last_enqueued_at=now))

    def queued_runs_not_enqueued_since(self, before: datetime, limit: int = 500) -> list[Run]:
        def stale(run: Run) -> bool:
            sent = run.last_enqueued_at
            return run.status == RunStatus.QUEUED and (sent is None or sent < before)

        return _oldest_first(self._select(stale))[:limit]

    def expired_leases(self, now: datetime, limit: int = 500) -> list[Run]:
        def expired(run: Run) -> bool:
            lease = run.lease_expires_at
            return run.status == RunStatus.RUNNING and lease is not None and lease < now

        return sorted(self._select(expired), key=lambda r: (r.lease_expires_at, r.id))[:limit]

    def snapshot_paths(self) -> set[str]:
        done = self._select(lambda r: r.status == RunStatus.COMPLETED)
        return {run.snapshot_path for run in done if run.snapshot_path is not None}

    def run_exists(self, audience_id: AudienceId, data_date: str, run_type: RunType) -> bool:
        def same(run: Run) -> bool:
            key = (run.audience_id, run.data_date, run.run_type)
            return key == (audience_id, data_date, run_type)

        return bool(self._select(same))

    # exports

    def create_export(self, export: Export) -> bool:
        with self._lock:
            self._require_org("exports", export.organization_id)
            _require("exports", "audience_id", export.audience_id, lambda v: v in self._audiences)
            _require("exports", "run_id", export.run_id, lambda value: value in self._runs)
            exists = self.find_export(export.run_id, export.export_type) is not None
            if exists or export.id in self._exports:
                return False
            self._exports[export.id] = rules.in_utc(export)
            return True

    def get_export(self, export_id: ExportId, org_id: OrgId | None = None) -> Export | None:
        with self._lock:
            export = self._exports.get(export_id)
        if export is None or org_id not in (None, export.organization_id):
            return None
        return export

    def find_export(self, run_id: RunId, export_type: str) -> Export | None:
        same = self._exports_where(lambda e: (e.run_id, e.export_type) == (run_id, export_type))
        return next(iter(same), None)

    def list_exports(self, run_id: RunId) -> list[Export]:
        return self._exports_where(lambda export: export.run_id == run_id)

    def finish_export(self, export: Export) -> bool:
        rules.check_finished(export)
        return self._rewrite_export(export, rules.PROCESSING_EXPORT)

    def stale_exports(self, started_before: datetime, limit: int = 500) -> list[Export]:
        def stale(export: Export) -> bool:
            processing = export.status == rules.PROCESSING_EXPORT
            return processing and export.created_at < started_before

        return self._exports_where(stale)[:limit]

    def _exports_where(self, keep: Callable[[Export], bool]) -> list[Export]:
        with self._lock:
            return _oldest_first(export for export in self._exports.values() if keep(export))

    def restart_export(self, export: Export) -> bool:
        rules.check_restarted(export)
        return self._rewrite_export(export, rules.FAILED_EXPORT)

    def _rewrite_export(self, export: Export, expected: str) -> bool:
        """The guarded write of exports: replace the row if it is `expected`; owners stay."""
        with self._lock:
            current = self._exports.get(export.id)
            if current is None or current.status != expected:
                return False
            owners = ("organization_id", "audience_id", "run_id")
            kept = {field: getattr(current, field) for field in owners}
            self._exports[export.id] = rules.in_utc(replace(export, **kept))
            return True

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
        with self._lock:
            self._require_org("idempotency_keys", org_id)
            existing = self._idempotency.get((org_id, key))
            if existing is not None and not rules.abandoned(existing, abandoned_before):
                return rules.idempotency_outcome(existing, fingerprint), existing
            record = rules.in_utc(IdempotencyRecord(org_id, key, fingerprint, now))
            self._idempotency[(org_id, key)] = record
            return "new", record

    def complete_idempotency_key(
        self, org_id: OrgId, key: str, status_code: int, body: bytes
    ) -> None:
        with self._lock:
            record = self._idempotency.get((org_id, key))
            if record is not None:
                done = replace(record, status_code=status_code, response_body=body)
                self._idempotency[(org_id, key)] = rules.in_utc(done)

    def release_idempotency_key(self, org_id: OrgId, key: str) -> None:
        with self._lock:
            record = self._idempotency.get((org_id, key))
            if record is not None and record.status_code is None:
                del self._idempotency[(org_id, key)]

    def purge_idempotency_keys(self, older_than: datetime) -> int:
        with self._lock:
            old = [k for k, r in self._idempotency.items() if r.created_at < older_than]
            for k in old:
                del self._idempotency[k]
            return len(old)
