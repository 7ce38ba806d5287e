"""The metadata store in memory: dictionaries behind one lock, with the SQL store's semantics.

Used by tests and the in-process demo; it passes the same contract suite as `SqlMetadataStore`,
including its foreign keys and unique keys. Its runs part lives in `memory_runs`.
"""

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from data.errors import MetadataError
from data.metadata import rules
from data.metadata.memory_rows import newest_first, oldest_first, require
from data.metadata.memory_runs import MemoryRuns
from data.metadata.memory_webhooks import MemoryWebhooks
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
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookId,
)
from data.metadata.store import IdempotencyOutcome
from engine.states import EXPORT_COMPLETED, ExportStatus


class MemoryMetadataStore(MemoryRuns, MemoryWebhooks):
    """`MetadataStore` in process memory; every method holds the one lock while it runs."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._orgs: dict[OrgId, Organization] = {}
        self._keys: dict[str, ApiKey] = {}
        self._audiences: dict[AudienceId, Audience] = {}
        self._runs: dict[RunId, Run] = {}
        self._exports: dict[ExportId, Export] = {}
        self._idempotency: dict[tuple[OrgId, str], IdempotencyRecord] = {}
        self._webhooks: dict[WebhookId, WebhookEndpoint] = {}
        self._deliveries: dict[str, WebhookDelivery] = {}
        self._events: dict[int, WebhookEvent] = {}

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
        return oldest_first(keys)

    def revoke_api_key(self, key_id: str, now: datetime) -> bool:
        with self._lock:
            key = self._keys.get(key_id)
            if key is None or key.revoked_at is not None:
                return False
            self._keys[key_id] = rules.in_utc(replace(key, revoked_at=now))
            return True

    def _require_org(self, table: str, org_id: OrgId) -> None:
        require(table, "organization_id", org_id, lambda value: value in self._orgs)

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

    def get_audience(self, org_id: OrgId | None, audience_id: AudienceId) -> Audience | None:
        with self._lock:
            audience = self._audiences.get(audience_id)
        if audience is None or audience.deleted_at is not None:
            return None
        return audience if org_id in (None, audience.organization_id) else None

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
        return newest_first(found)[offset : offset + limit], len(found)

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
            self._cancel_queued(audience_id, now)  # they would only be executed for nothing
            return True

    def active_audiences(self) -> list[Audience]:
        with self._lock:
            active = [
                audience
                for audience in self._audiences.values()
                if audience.status == rules.ACTIVE and audience.deleted_at is None
            ]
        return oldest_first(active)

    # exports

    def create_export(self, export: Export) -> bool:
        with self._lock:
            self._require_org("exports", export.organization_id)
            require("exports", "audience_id", export.audience_id, lambda v: v in self._audiences)
            require("exports", "run_id", export.run_id, lambda value: value in self._runs)
            exists = self.find_export(export.run_id, export.export_type) is not None
            if exists or export.id in self._exports:
                return False
            self._exports[export.id] = rules.in_utc(export)
            return True

    def get_exports(self, export_ids: Sequence[ExportId]) -> list[Export]:
        with self._lock:
            return [self._exports[e] for e in set(export_ids) if e in self._exports]

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
        expected = rules.export_transition(export, ExportStatus.PROCESSING)
        with self._lock:
            if not self._rewrite_export(export, expected, export.attempts):
                return False
            done = self._exports[export.id]
            if done.status == ExportStatus.COMPLETED and done.completed_at is not None:
                self._note_event(done.organization_id, EXPORT_COMPLETED, done.id, done.completed_at)
            return True

    def unattended_exports(
        self, now: datetime, sent_before: datetime, limit: int = 500
    ) -> list[Export]:
        def unattended(export: Export) -> bool:
            sent = export.last_enqueued_at or export.created_at
            return rules.unleased(export, now) and sent < sent_before

        return self._exports_where(unattended)[:limit]

    def claim_export(self, export: Export, now: datetime, lease_until: datetime) -> bool:
        with self._lock:
            current = self._exports.get(export.id)
            if current is None or current.attempts != export.attempts:
                return False
            if not rules.unleased(current, now):
                return False
            claimed = replace(current, attempts=export.attempts + 1, lease_expires_at=lease_until)
            self._exports[export.id] = rules.in_utc(claimed)
            return True

    def heartbeat_export(self, export_id: ExportId, attempt: int, lease_until: datetime) -> bool:
        return self._update_processing(
            export_id, lambda e: replace(e, lease_expires_at=lease_until), attempt
        )

    def mark_export_enqueued(self, export_id: ExportId, at: datetime) -> bool:
        return self._update_processing(export_id, lambda e: replace(e, last_enqueued_at=at))

    def _update_processing(
        self, export_id: ExportId, change: Callable[[Export], Export], attempt: int | None = None
    ) -> bool:
        with self._lock:
            current = self._exports.get(export_id)
            if current is None or current.status != ExportStatus.PROCESSING:
                return False
            if attempt is not None and current.attempts != attempt:
                return False
            self._exports[export_id] = rules.in_utc(change(current))
            return True

    def _exports_where(self, keep: Callable[[Export], bool]) -> list[Export]:
        with self._lock:
            return oldest_first(export for export in self._exports.values() if keep(export))

    def restart_export(self, export: Export) -> bool:
        expected = rules.export_transition(export, ExportStatus.FAILED)
        return self._rewrite_export(export, expected)

    def _rewrite_export(self, export: Export, expected: str, attempt: int | None = None) -> bool:
        """The guarded write of exports: replace the row if it is `expected` (and at `attempt`
        when given); owners stay."""
        with self._lock:
            current = self._exports.get(export.id)
            if current is None or current.status != expected:
                return False
            if attempt is not None and current.attempts != attempt:
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
