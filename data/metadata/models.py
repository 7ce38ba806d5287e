"""Rows of the metadata store as frozen dataclasses; ids are UUID strings, times are aware UTC."""

from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from engine.states import DeliveryStatus, RunStatus, RunType

OrgId = NewType("OrgId", str)
AudienceId = NewType("AudienceId", str)
RunId = NewType("RunId", str)
ExportId = NewType("ExportId", str)
WebhookId = NewType("WebhookId", str)


@dataclass(frozen=True)
class Organization:
    id: OrgId
    name: str
    audience_slots: int
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    id: str  # public key id, the part of "sk_<id>_<secret>" before the secret
    organization_id: OrgId
    secret_hash: str  # sha256 hex of the secret; compared in constant time by the caller
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True)
class Audience:
    id: AudienceId
    organization_id: OrgId
    name: str
    status: str  # draft | active | paused
    config_json: str  # canonical JSON of the normalized config
    config_hash: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Run:
    id: RunId
    audience_id: AudienceId
    organization_id: OrgId
    status: RunStatus
    run_type: RunType
    config_json: str  # the audience config as it was when the run was created
    config_hash: str
    data_date: str  # YYYY-MM-DD
    created_at: datetime
    attempts: int = 0
    candidate_count: int | None = None
    result_count: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    lease_expires_at: datetime | None = None
    last_enqueued_at: datetime | None = None
    snapshot_path: str | None = None  # set once, by the fenced completion
    stage: str | None = None  # while running: what the attempt is doing (jobs.progress.RunStage)
    progress: float | None = None  # 0..1 with `stage`; 1 once completed
    lease_expiries: int = 0  # attempts whose lease expired (their worker was lost)
    gave_up: bool = False  # failed on a retryable error with no attempts left


@dataclass(frozen=True)
class RunTally:
    """Every run counted, for operations: by status and type, the queue's head, the attempts."""

    by_status: dict[tuple[RunStatus, RunType], int]
    oldest_queued_at: datetime | None
    attempts: int  # claims, over every run
    lease_expiries: int
    gave_up: int

    def count(self, status: RunStatus) -> int:
        return sum(n for (found, _), n in self.by_status.items() if found == status)

    @property
    def retried(self) -> int:
        """Attempts that went back to the queue: every claim ends running, completed, failed or
        requeued, and a run is failed or completed once."""
        ended = (RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED)
        return self.attempts - sum(self.count(status) for status in ended)


@dataclass(frozen=True)
class Export:
    id: ExportId
    organization_id: OrgId
    audience_id: AudienceId
    run_id: RunId
    export_type: str  # csv | parquet | jsonl
    status: str  # processing | completed | failed
    content_type: str
    created_at: datetime
    path: str | None = None
    byte_size: int | None = None
    row_count: int | None = None
    sha256: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    attempts: int = 0  # builds claimed since it was (re)created; the lease's fencing token
    lease_expires_at: datetime | None = None  # of the attempt building it
    last_enqueued_at: datetime | None = None  # when its build was last sent to the broker


@dataclass(frozen=True)
class IdempotencyRecord:
    organization_id: OrgId
    key: str
    fingerprint: str  # sha256 of (audience id, request body)
    created_at: datetime
    status_code: int | None = None  # None while the first request is in flight
    response_body: bytes | None = None


@dataclass(frozen=True)
class WebhookEndpoint:
    id: WebhookId
    organization_id: OrgId
    url: str
    events: str  # the subscribed event types, sorted, separated by spaces
    secret: str  # "whsec_" + base64 of the signing key: the server signs with it
    created_at: datetime
    consecutive_failures: int = 0  # deliveries that ended failed since the last success
    disabled_at: datetime | None = None  # set after too many consecutive failed deliveries
    deleted_at: datetime | None = None

    @property
    def event_types(self) -> list[str]:
        return self.events.split()


@dataclass(frozen=True)
class WebhookDelivery:
    id: str  # "msg_" + hex: the `webhook-id` header, the same on every attempt
    webhook_id: WebhookId
    organization_id: OrgId
    event_type: str
    subject_id: str  # the run or export the event is about
    body: str  # the JSON body, fixed when the event is recorded
    status: DeliveryStatus
    created_at: datetime
    next_attempt_at: datetime  # due from then; a claimed attempt moves it past its lease
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class WebhookEvent:
    """A run or export that ended, written in the transaction that ended it, waiting for a
    sender to turn it into deliveries."""

    id: int  # the order events were written in
    organization_id: OrgId
    event_type: str
    subject_id: str  # the run or export
    occurred_at: datetime  # its `completed_at`
