"""The webhooks of the in-memory metadata store: endpoints, events, deliveries and the sender's
scans.

`memory.MemoryMetadataStore` owns the lock and the tables; the writes are guarded exactly as the
SQL statements of `webhook_sql` are.
"""

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from data.metadata import rules
from data.metadata.memory_rows import newest_first, oldest_first, require
from data.metadata.models import (
    Export,
    ExportId,
    Organization,
    OrgId,
    Run,
    RunId,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookId,
)
from engine.states import DeliveryStatus


class MemoryWebhooks:
    """The webhooks part of `MemoryMetadataStore`; every method holds the store's lock."""

    _lock: threading.RLock
    _orgs: dict[OrgId, Organization]
    _runs: dict[RunId, Run]
    _exports: dict[ExportId, Export]
    _webhooks: dict[WebhookId, WebhookEndpoint]
    _deliveries: dict[str, WebhookDelivery]
    _events: dict[int, WebhookEvent]
    _last_event: int = 0  # ids are never reused, as with the SQL sequence

    def create_webhook(self, endpoint: WebhookEndpoint) -> None:
        with self._lock:
            org = endpoint.organization_id
            require("webhook_endpoints", "organization_id", org, lambda v: v in self._orgs)
            self._webhooks[endpoint.id] = rules.in_utc(endpoint)

    def get_webhook(self, org_id: OrgId, webhook_id: WebhookId) -> WebhookEndpoint | None:
        with self._lock:
            found = self._webhooks.get(webhook_id)
        if found is None or found.deleted_at is not None or found.organization_id != org_id:
            return None
        return found

    def list_webhooks(self, org_id: OrgId) -> list[WebhookEndpoint]:
        with self._lock:
            mine = [w for w in self._webhooks.values() if w.organization_id == org_id]
        return oldest_first(w for w in mine if w.deleted_at is None)

    def delete_webhook(self, org_id: OrgId, webhook_id: WebhookId, now: datetime) -> bool:
        with self._lock:
            found = self.get_webhook(org_id, webhook_id)
            if found is None:
                return False
            self._webhooks[webhook_id] = rules.in_utc(replace(found, deleted_at=now))
            return True

    def enabled_webhooks(self) -> list[WebhookEndpoint]:
        with self._lock:
            found = list(self._webhooks.values())
        return oldest_first(w for w in found if w.deleted_at is None and w.disabled_at is None)

    def record_webhook_result(
        self, webhook_id: WebhookId, ok: bool, disable_after: int, now: datetime
    ) -> None:
        with self._lock:
            found = self._webhooks.get(webhook_id)
            if found is None:
                return
            failures = 0 if ok else found.consecutive_failures + 1
            disabled = found.disabled_at
            if disabled is None and not ok and failures >= disable_after:
                disabled = now
            changed = replace(found, consecutive_failures=failures, disabled_at=disabled)
            self._webhooks[webhook_id] = rules.in_utc(changed)

    def create_deliveries(
        self, deliveries: Sequence[WebhookDelivery], recorded: Sequence[int] = ()
    ) -> list[WebhookDelivery]:
        with self._lock:
            for delivery in deliveries:
                hook = delivery.webhook_id
                require("webhook_deliveries", "webhook_id", hook, lambda v: v in self._webhooks)
            taken = {(d.webhook_id, d.event_type, d.subject_id) for d in self._deliveries.values()}
            written = []
            for delivery in deliveries:
                key = (delivery.webhook_id, delivery.event_type, delivery.subject_id)
                if key in taken or delivery.id in self._deliveries:
                    continue
                taken.add(key)
                self._deliveries[delivery.id] = rules.in_utc(delivery)
                written.append(delivery)
            for event_id in recorded:
                self._events.pop(event_id, None)
            return written

    def get_delivery(self, delivery_id: str) -> WebhookDelivery | None:
        with self._lock:
            return self._deliveries.get(delivery_id)

    def list_deliveries(
        self, webhook_id: WebhookId, limit: int, offset: int = 0
    ) -> list[WebhookDelivery]:
        with self._lock:
            mine = [d for d in self._deliveries.values() if d.webhook_id == webhook_id]
        return newest_first(mine)[offset : offset + limit]

    def delivery_tally(self) -> dict[tuple[str, DeliveryStatus], int]:
        with self._lock:
            return dict(Counter((d.event_type, d.status) for d in self._deliveries.values()))

    def due_deliveries(self, now: datetime, limit: int = 500) -> list[WebhookDelivery]:
        with self._lock:
            due = [d for d in self._deliveries.values() if _due(d, now)]
        return sorted(due, key=lambda d: (d.next_attempt_at, d.id))[:limit]

    def claim_deliveries(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[WebhookDelivery]:
        with self._lock:
            claimed = []
            for due in self.due_deliveries(now, limit):
                taken = replace(due, attempts=due.attempts + 1, next_attempt_at=lease_until)
                self._deliveries[due.id] = rules.in_utc(taken)
                claimed.append(self._deliveries[due.id])
        return sorted(claimed, key=lambda d: (d.created_at, d.id))

    def finish_deliveries(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        with self._lock:
            return [self._finish(delivery) for delivery in deliveries]

    def _finish(self, delivery: WebhookDelivery) -> bool:
        current = self._deliveries.get(delivery.id)
        owned = current is not None and current.attempts == delivery.attempts
        if not owned or current is None or current.status != DeliveryStatus.PENDING:
            return False
        outcome = replace(
            current,
            status=delivery.status,
            next_attempt_at=delivery.next_attempt_at,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            delivered_at=delivery.delivered_at,
        )
        self._deliveries[delivery.id] = rules.in_utc(outcome)
        return True

    def pending_webhook_events(self, limit: int = 500) -> list[WebhookEvent]:
        with self._lock:
            return [self._events[n] for n in sorted(self._events)[:limit]]

    def _note_event(self, org_id: OrgId, event_type: str, subject_id: str, at: datetime) -> None:
        """The event of a run or export that just ended, if an enabled endpoint of its
        organization takes it (called under the lock, with the change that ended it)."""
        takes = (
            w.organization_id == org_id
            and w.deleted_at is None
            and w.disabled_at is None
            and event_type in w.event_types
            for w in self._webhooks.values()
        )
        if any(takes):
            self._last_event += 1
            event = WebhookEvent(self._last_event, org_id, event_type, subject_id, at)
            self._events[event.id] = event


def _due(delivery: WebhookDelivery, now: datetime) -> bool:
    return delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at <= now
