"""Webhook endpoints and their deliveries on the wire."""

from typing import Annotated, Literal

import msgspec

from api.wire.common import Meta
from data.metadata.models import WebhookDelivery, WebhookEndpoint
from engine.states import DeliveryStatus
from jobs.wire import iso, iso_or_none

EventType = Literal["run.completed", "run.failed", "export.completed"]


class WebhookCreate(msgspec.Struct, forbid_unknown_fields=True):
    url: str
    events: Annotated[list[EventType], msgspec.Meta(min_length=1)]


class WebhookOut(msgspec.Struct, rename="camel", omit_defaults=True):
    id: str
    organization_id: str
    url: str
    events: list[str]
    status: Literal["enabled", "disabled"]  # disabled after too many failed deliveries
    consecutive_failures: int
    disabled_at: str | None
    created_at: str
    secret: str | msgspec.UnsetType = msgspec.UNSET  # only in the answer that creates it


class WebhookEnvelope(msgspec.Struct):
    data: WebhookOut
    meta: Meta


class WebhookListEnvelope(msgspec.Struct):
    data: list[WebhookOut]
    meta: Meta


class DeliveryOut(msgspec.Struct, rename="camel"):
    id: str  # the `webhook-id` header, the same on every attempt
    webhook_id: str
    event_type: str
    subject_id: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: str | None  # while pending: when the next attempt is due
    created_at: str
    delivered_at: str | None


class DeliveryListEnvelope(msgspec.Struct):
    data: list[DeliveryOut]
    meta: Meta


def webhook_out(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> WebhookOut:
    return WebhookOut(
        id=endpoint.id,
        organization_id=endpoint.organization_id,
        url=endpoint.url,
        events=endpoint.event_types,
        status="enabled" if endpoint.disabled_at is None else "disabled",
        consecutive_failures=endpoint.consecutive_failures,
        disabled_at=iso_or_none(endpoint.disabled_at),
        created_at=iso(endpoint.created_at),
        secret=endpoint.secret if with_secret else msgspec.UNSET,
    )


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    pending = delivery.status == DeliveryStatus.PENDING
    return DeliveryOut(
        id=delivery.id,
        webhook_id=delivery.webhook_id,
        event_type=delivery.event_type,
        subject_id=delivery.subject_id,
        status=delivery.status,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=iso(delivery.next_attempt_at) if pending else None,
        created_at=iso(delivery.created_at),
        delivered_at=iso_or_none(delivery.delivered_at),
    )
