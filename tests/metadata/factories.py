"""Rows of the metadata store with sensible defaults; each test overrides only what it is about."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from data.metadata.models import (
    ApiKey,
    Audience,
    AudienceId,
    Export,
    ExportId,
    OrgId,
    Run,
    RunId,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookId,
)
from engine.states import DeliveryStatus, RunStatus, RunType

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """A moment `seconds` after NOW: tests move time explicitly, never by sleeping."""
    return NOW + timedelta(seconds=seconds)


def new_id() -> str:
    return str(uuid.uuid4())


def api_key(org_id: OrgId, **overrides: Any) -> ApiKey:
    key = ApiKey(uuid.uuid4().hex, org_id, "a" * 64, NOW)
    return replace(key, **overrides)


def audience(org_id: OrgId, **overrides: Any) -> Audience:
    row = Audience(
        id=AudienceId(new_id()),
        organization_id=org_id,
        name="Finance leaders",
        status="draft",
        config_json='{"topicIds":[1,2]}',
        config_hash="c" * 64,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(row, **overrides)


def run(parent: Audience, **overrides: Any) -> Run:
    row = Run(
        id=RunId(new_id()),
        audience_id=parent.id,
        organization_id=parent.organization_id,
        status=RunStatus.QUEUED,
        run_type=RunType.MANUAL,
        config_json=parent.config_json,
        config_hash=parent.config_hash,
        data_date="2026-03-01",
        created_at=NOW,
    )
    return replace(row, **overrides)


def export(parent: Run, **overrides: Any) -> Export:
    row = Export(
        id=ExportId(new_id()),
        organization_id=parent.organization_id,
        audience_id=parent.audience_id,
        run_id=parent.id,
        export_type="csv",
        status="processing",
        content_type="text/csv",
        created_at=NOW,
    )
    return replace(row, **overrides)


def webhook(org_id: OrgId, **overrides: Any) -> WebhookEndpoint:
    row = WebhookEndpoint(
        id=WebhookId(new_id()),
        organization_id=org_id,
        url="https://hooks.example.com/intent",
        events="run.completed run.failed",
        secret="whsec_" + "A" * 44,
        created_at=NOW,
    )
    return replace(row, **overrides)


def delivery(parent: WebhookEndpoint, **overrides: Any) -> WebhookDelivery:
    row = WebhookDelivery(
        id=f"msg_{uuid.uuid4().hex}",
        webhook_id=parent.id,
        organization_id=parent.organization_id,
        event_type="run.completed",
        subject_id=new_id(),
        body='{"type":"run.completed"}',
        status=DeliveryStatus.PENDING,
        created_at=NOW,
        next_attempt_at=NOW,
    )
    return replace(row, **overrides)
