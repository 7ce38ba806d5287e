"""The metadata store seam: every read and guarded write the jobs and API layers make.

Implementations: `sql.SqlMetadataStore` (SQLite, PostgreSQL) and `memory.MemoryMetadataStore`;
both pass tests/metadata's contract suite. Status writes are guarded: they return False (or None)
when the row is not in the expected state or attempt, and never raise for a lost race.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

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
from engine.states import DeliveryStatus, RunStatus, RunType

IdempotencyOutcome = Literal["new", "in_flight", "replay", "mismatch"]


class MetadataStore(Protocol):
    # organizations and keys
    def create_organization(
        self, name: str, audience_slots: int, now: datetime
    ) -> Organization: ...
    def get_organization(self, org_id: OrgId) -> Organization | None: ...
    def find_organization(self, name: str) -> Organization | None: ...
    def create_api_key(self, key: ApiKey) -> None: ...
    def get_api_key(self, key_id: str) -> ApiKey | None: ...
    def list_api_keys(self, org_id: OrgId | None = None) -> list[ApiKey]: ...
    def revoke_api_key(self, key_id: str, now: datetime) -> bool: ...

    # audiences (deleted ones are invisible to every read)
    def create_audience(self, audience: Audience) -> None: ...
    def get_audience(self, org_id: OrgId | None, audience_id: AudienceId) -> Audience | None:
        """A live audience; of any organization when `org_id` is None (the command line)."""
        ...

    def list_audiences(
        self, org_id: OrgId, status: str | None, limit: int, offset: int
    ) -> tuple[list[Audience], int]: ...
    def update_audience(self, audience: Audience, *, max_active: int | None = None) -> bool:
        """Write name/status/config/updated_at. With `max_active`, refuse (False) to make the
        audience active when the organization already has that many active ones (atomically)."""
        ...

    def delete_audience(self, org_id: OrgId, audience_id: AudienceId, now: datetime) -> bool:
        """Soft-delete (`deleted_at`) and, in the same write, cancel the audience's queued runs
        as `cancel_run` does; running ones finish or fail on their own. False when the
        organization has no such live audience (then no run changes)."""
        ...

    def active_audiences(self) -> list[Audience]: ...

    # runs
    def insert_run(self, run: Run) -> bool:
        """False when a run with the same (audience, data date, run type) exists and the run type
        is daily (the scheduler's uniqueness guard)."""
        ...

    def get_run(self, run_id: RunId, org_id: OrgId | None = None) -> Run | None: ...
    def get_runs(self, run_ids: Sequence[RunId]) -> list[Run]:
        """The runs of those ids that exist, in no particular order."""
        ...

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
        """Newest first; each filter that is not None must match."""
        ...

    def completed_run_dates(self, audience_id: AudienceId, config_hash: str) -> set[str]:
        """The data dates of the audience's completed runs of that config hash."""
        ...

    def latest_completed_run(self, audience_id: AudienceId) -> Run | None: ...
    def previous_completed_run(self, audience_id: AudienceId, data_date: str) -> Run | None:
        """The audience's completed run of the newest data date before `data_date` (of several
        on that date, the one completed last)."""
        ...

    def claim_run(self, run_id: RunId, now: datetime, lease_until: datetime) -> Run | None:
        """queued -> running, attempts += 1, started_at, lease; None if not queued."""
        ...

    def heartbeat(self, run_id: RunId, attempt: int, lease_until: datetime) -> bool: ...
    def complete_run(
        self,
        run_id: RunId,
        attempt: int,
        *,
        candidate_count: int,
        result_count: int,
        snapshot_path: str,
        now: datetime,
    ) -> bool: ...
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
        """running -> failed fenced by attempt; `lease_expired` counts the attempt's expired
        lease, `gave_up` says the error was retryable but no attempt was left."""
        ...

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
        """running -> queued (lease expired or transient error), fenced by attempt."""
        ...

    def set_run_stage(self, run_id: RunId, attempt: int, stage: str, progress: float) -> bool:
        """The stage and progress of a running run, fenced by attempt."""
        ...

    # operations: counts over every run
    def run_tally(self) -> RunTally: ...
    def running_runs(self, limit: int = 100) -> list[Run]:
        """Running runs, longest running first."""
        ...

    def failure_counts(self, since: datetime) -> dict[str, int]:
        """Runs failed at or after `since`, by error code."""
        ...

    def cancel_run(self, run_id: RunId, now: datetime) -> bool:
        """queued -> cancelled."""
        ...

    def mark_enqueued(self, run_ids: Sequence[RunId], now: datetime | None) -> None:
        """Record when queued runs were sent to the broker; None: none went out after all."""
        ...

    def queued_runs_not_enqueued_since(self, before: datetime, limit: int = 500) -> list[Run]: ...
    def expired_leases(self, now: datetime, limit: int = 500) -> list[Run]: ...
    def snapshot_paths(self) -> set[str]:
        """Every snapshot path a completed run refers to (for staging garbage collection)."""
        ...

    def run_exists(self, audience_id: AudienceId, data_date: str, run_type: RunType) -> bool: ...
    def latest_run_date(self, audience_id: AudienceId, run_type: RunType) -> str | None:
        """The newest data date of the audience's runs of that type, whatever their status."""
        ...

    # exports
    def create_export(self, export: Export) -> bool:
        """False when an export of that run and type exists already."""
        ...

    def get_export(self, export_id: ExportId, org_id: OrgId | None = None) -> Export | None: ...
    def get_exports(self, export_ids: Sequence[ExportId]) -> list[Export]:
        """The exports of those ids that exist, in no particular order."""
        ...

    def find_export(self, run_id: RunId, export_type: str) -> Export | None: ...
    def list_exports(self, run_id: RunId) -> list[Export]: ...
    def finish_export(self, export: Export) -> bool:
        """processing -> completed | failed, writing the result fields; False unless it is
        processing under `export.attempts` (a fenced-off attempt finishes nothing)."""
        ...

    def unattended_exports(
        self, now: datetime, sent_before: datetime, limit: int = 500
    ) -> list[Export]:
        """Processing exports no attempt holds a live lease on, last sent to the broker (or
        created) before `sent_before`, oldest first: lost messages and dead builders."""
        ...

    def claim_export(self, export: Export, now: datetime, lease_until: datetime) -> bool:
        """Attempt `export.attempts + 1` takes the lease until `lease_until`; False unless it is
        processing, still at `export.attempts` and no live lease is held on it."""
        ...

    def heartbeat_export(self, export_id: ExportId, attempt: int, lease_until: datetime) -> bool:
        """Extend the lease of `attempt`; False once it is no longer the building attempt."""
        ...

    def mark_export_enqueued(self, export_id: ExportId, at: datetime) -> bool:
        """Record that its build was sent to the broker at `at`; False unless processing."""
        ...

    def restart_export(self, export: Export) -> bool:
        """failed -> processing, writing `export`'s fields (a rebuild); False when it has not
        failed, e.g. because another caller restarted it first."""
        ...

    # webhooks
    def create_webhook(self, endpoint: WebhookEndpoint) -> None: ...
    def get_webhook(self, org_id: OrgId, webhook_id: WebhookId) -> WebhookEndpoint | None: ...
    def list_webhooks(self, org_id: OrgId) -> list[WebhookEndpoint]:
        """The organization's endpoints that are not deleted, oldest first."""
        ...

    def delete_webhook(self, org_id: OrgId, webhook_id: WebhookId, now: datetime) -> bool: ...
    def enabled_webhooks(self) -> list[WebhookEndpoint]:
        """Every organization's endpoints that are neither deleted nor disabled."""
        ...

    def record_webhook_result(
        self, webhook_id: WebhookId, ok: bool, disable_after: int, now: datetime
    ) -> None:
        """A delivery ended: reset the failure count, or add one and disable the endpoint when
        the count reaches `disable_after`."""
        ...

    def create_deliveries(
        self, deliveries: Sequence[WebhookDelivery], recorded: Sequence[int] = ()
    ) -> list[WebhookDelivery]:
        """Write the deliveries and remove the events `recorded` (ids) in one transaction;
        the deliveries written, in the given order (not one whose endpoint has a delivery of
        that event for that subject already)."""
        ...

    def get_delivery(self, delivery_id: str) -> WebhookDelivery | None: ...
    def list_deliveries(
        self, webhook_id: WebhookId, limit: int, offset: int = 0
    ) -> list[WebhookDelivery]: ...

    def delivery_tally(self) -> dict[tuple[str, DeliveryStatus], int]:
        """How many deliveries there are of each event type in each status, for operations."""
        ...

    def due_deliveries(self, now: datetime, limit: int = 500) -> list[WebhookDelivery]:
        """Pending deliveries whose next attempt is due, the longest waiting first."""
        ...

    def claim_deliveries(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[WebhookDelivery]:
        """Take the next attempt of at most `limit` due pending deliveries, the longest waiting
        first, in one statement (attempts + 1, due again at `lease_until` should the sender
        vanish); those claimed, oldest first. A delivery another sender claimed is not due."""
        ...

    def finish_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        """Write the outcome of attempt `delivery.attempts` of each (a retry time, success or
        failure) in one transaction; for each, False when that attempt no longer owns it."""
        ...

    def pending_webhook_events(self, limit: int = 500) -> list[WebhookEvent]:
        """The events not yet turned into deliveries, oldest first: each run that completed or
        failed, and each export that completed, while an enabled endpoint of its organization
        took that event, written in the transaction that ended it."""
        ...

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
        """Atomically insert an in-flight record, or report the existing one: `replay` when it has
        a response and the same fingerprint, `in_flight` when it has none yet, `mismatch` when the
        fingerprint differs. An in-flight record reserved before `abandoned_before` was left by a
        request that died: it is replaced as if released (`new`), by exactly one caller."""
        ...

    def complete_idempotency_key(
        self, org_id: OrgId, key: str, status_code: int, body: bytes
    ) -> None: ...
    def release_idempotency_key(self, org_id: OrgId, key: str) -> None:
        """Forget an in-flight record whose request failed before producing a response."""
        ...

    def purge_idempotency_keys(self, older_than: datetime) -> int: ...
