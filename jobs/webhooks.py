"""Webhooks: org-scoped endpoints, events recorded as deliveries, and signed, retried sending.

The store writes an event in the transaction that ends a run or export (when an enabled endpoint
of its organization takes it), so an event cannot be lost to a crash between a run's completion
and its notification; each tick turns the pending events into deliveries.
A delivery is sent by whichever process claims its next attempt (guarded in the store); a sender
that dies mid-delivery leaves it due again after its lease, and it goes out again with the same
`webhook-id`, as the Standard Webhooks scheme expects receivers to deduplicate on.
"""

import base64
import json
import logging
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

import httpx

from data.metadata.models import (
    ExportId,
    OrgId,
    RunId,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookId,
)
from data.metadata.store import MetadataStore
from engine.errors import Problem
from engine.states import (
    EXPORT_COMPLETED,
    RUN_EVENTS,
    WEBHOOK_EVENTS,
    DeliveryStatus,
    check_delivery_transition,
)
from jobs.deps import JobDeps
from jobs.errors import FetchFailed, InvalidRequest, UrlNotAllowed
from jobs.settings import Settings
from jobs.urlguard import UrlGuard
from jobs.webhook_http import SECRET_PREFIX, Clients, Post, http_post
from jobs.wire import export_object, iso, run_object

log = logging.getLogger(__name__)

EVENT_TYPES: Final = WEBHOOK_EVENTS
SCAN_LIMIT: Final = 500  # events recorded, and deliveries sent, per batch
SENDERS: Final = 16  # deliveries in flight at once in one process
REFILL_AT: Final = SENDERS // 2  # claim more once no more than this many are in flight


@dataclass(frozen=True)
class WebhookPolicy:
    """How deliveries are retried and when an endpoint is given up on (`of(settings)`)."""

    max_attempts: int = 6
    retry_seconds: float = 30.0  # the first retry's delay; each next one waits three times more
    timeout_seconds: float = 10.0
    disable_after: int = 5  # consecutive failed deliveries
    allow_private: bool = False

    @classmethod
    def of(cls, settings: Settings) -> "WebhookPolicy":
        return cls(
            max_attempts=settings.webhook_max_attempts,
            retry_seconds=settings.webhook_retry_seconds,
            timeout_seconds=settings.webhook_timeout_seconds,
            disable_after=settings.webhook_disable_after,
            allow_private=settings.webhooks_allow_private,
        )

    def lease(self) -> timedelta:
        """How long a claimed attempt is its sender's: should the sender vanish, the delivery
        is due again after it."""
        return timedelta(seconds=self.timeout_seconds * 2 + 5)

    def retry_delay(self, attempts: int) -> timedelta:
        """The wait after failed attempt number `attempts` (1-based): 30 s, 90 s, 270 s, ...
        six attempts span about an hour by default."""
        return timedelta(seconds=self.retry_seconds * 3 ** (attempts - 1))


# -- endpoints -------------------------------------------------------------------------------


def create_endpoint(
    store: MetadataStore,
    org_id: OrgId,
    url: str,
    events: Sequence[str],
    now: datetime,
    guard: UrlGuard,
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret; InvalidRequest names a bad `url` or `events`."""
    problems = [
        Problem("events", f"unknown event type {e!r}") for e in events if e not in EVENT_TYPES
    ]
    if not events:
        problems.append(Problem("events", f"name at least one of {', '.join(EVENT_TYPES)}"))
    try:
        guard.check(url)
    except UrlNotAllowed as exc:
        problems.append(Problem("url", str(exc)))
    except FetchFailed:
        pass  # a name that does not resolve yet may later; every delivery checks it again
    if problems:
        raise InvalidRequest(problems)
    endpoint = WebhookEndpoint(
        id=WebhookId(str(uuid.uuid4())),
        organization_id=org_id,
        url=url,
        events=" ".join(sorted(set(events))),
        secret=SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode(),
        created_at=now,
    )
    store.create_webhook(endpoint)
    return endpoint


# -- recording events ------------------------------------------------------------------------


def record_events(
    deps: JobDeps, now: datetime, endpoints: Sequence[WebhookEndpoint] | None = None
) -> list[WebhookDelivery]:
    """A delivery to every enabled endpoint (read now unless given) that takes it for each
    pending event (at most SCAN_LIMIT), written in the transaction that removes those events;
    the deliveries written.

    Only pending events are read, so a tick costs the events since the last one whatever the
    history. Two senders may record the same events at once: the deliveries' unique key keeps
    one of each, and an event leaves only with its deliveries, so none is lost to a crash."""
    events = deps.store.pending_webhook_events(SCAN_LIMIT)
    if not events:
        return []
    hooks = deps.store.enabled_webhooks() if endpoints is None else endpoints
    subjects = _subjects(deps.store, events)
    found = [
        new_delivery(endpoint, event.event_type, event.subject_id, subjects[event.subject_id], now)
        for event in events
        if event.subject_id in subjects
        for endpoint in hooks
        if _takes(endpoint, event)
    ]
    return deps.store.create_deliveries(found, [event.id for event in events])


def _takes(endpoint: WebhookEndpoint, event: WebhookEvent) -> bool:
    """The endpoint's organization, one of its events, and not from before it existed."""
    return (
        endpoint.organization_id == event.organization_id
        and event.event_type in endpoint.event_types
        and event.occurred_at >= endpoint.created_at
    )


def _subjects(store: MetadataStore, events: Sequence[WebhookEvent]) -> dict[str, dict[str, Any]]:
    """The run or export of each event as its body's `data`, read in one query per kind."""
    of_runs = [RunId(e.subject_id) for e in events if e.event_type in RUN_EVENTS.values()]
    of_exports = [ExportId(e.subject_id) for e in events if e.event_type == EXPORT_COMPLETED]
    found = {run.id: run_object(run) for run in store.get_runs(of_runs)}
    return found | {export.id: export_object(export) for export in store.get_exports(of_exports)}


def new_delivery(
    endpoint: WebhookEndpoint, event: str, subject: str, data: dict[str, Any], now: datetime
) -> WebhookDelivery:
    body = {"type": event, "timestamp": iso(now), "data": data}
    return WebhookDelivery(
        id=f"msg_{uuid.uuid4().hex}",
        webhook_id=endpoint.id,
        organization_id=endpoint.organization_id,
        event_type=event,
        subject_id=subject,
        body=json.dumps(body, separators=(",", ":")),
        status=DeliveryStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
    )


# -- the tick ------------------------------------------------------------------------------


def webhook_tick(deps: JobDeps, post: Post | None = None) -> int:
    """Record new events, then attempt every due delivery, batch after batch while events keep
    coming, for at most one tick's time (so the lag of a busy stream is a batch, not a tick);
    how many attempts were made."""
    policy = WebhookPolicy.of(deps.settings)
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="webhook") as pool:
        if post is not None:
            return _drain(deps, policy, post, pool)
        with Clients(SENDERS, policy.timeout_seconds) as clients:
            sender = http_post(UrlGuard(allow_private=policy.allow_private), deps.clock, clients)
            return _drain(deps, policy, sender, pool)


def _drain(deps: JobDeps, policy: WebhookPolicy, post: Post, pool: Executor) -> int:
    until = deps.clock() + timedelta(seconds=deps.settings.tick_seconds)
    attempts = 0
    while True:
        endpoints = deps.store.enabled_webhooks()
        recorded = record_events(deps, deps.clock(), endpoints)
        sent = send_due(deps, policy, post, pool, {e.id: e for e in endpoints})
        attempts += sent
        if not (sent or recorded) or deps.clock() >= until:
            return attempts


# -- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempted:
    """One attempt's outcome, to be written: `endpoint` is None when nothing was sent (the
    endpoint is gone or disabled), `ok` when the receiver answered 2xx."""

    delivery: WebhookDelivery
    endpoint: WebhookEndpoint | None
    ok: bool


def send_due(
    deps: JobDeps,
    policy: WebhookPolicy,
    post: Post,
    pool: Executor,
    endpoints: Mapping[WebhookId, WebhookEndpoint] | None = None,
    limit: int = SCAN_LIMIT,
) -> int:
    """Attempt the due deliveries (at most `limit`) with at most SENDERS in flight on `pool`;
    how many attempts were made.

    Deliveries are claimed a batch at a time, in one statement each, whenever no more than
    REFILL_AT are in flight, and only as many as can start at once (so each attempt starts as
    it is claimed and the lease of one attempt holds for it). Outcomes are written a batch at
    a time too, always before the next claim, so each one is written within about one receiver
    timeout of its attempt. A slow receiver holds one slot, not the batch.
    `endpoints`: the enabled endpoints as read for this batch (else each is read per attempt).
    """
    in_flight: set[Future[Attempted]] = set()
    done: list[Attempted] = []
    claimed = 0
    more = True
    while True:
        if more and len(in_flight) <= REFILL_AT and claimed < limit:
            _settle(deps, policy, done)
            done = []
            wanted = min(SENDERS - len(in_flight), limit - claimed)
            now = deps.clock()
            batch = deps.store.claim_deliveries(now, now + policy.lease(), wanted)
            more = len(batch) == wanted
            claimed += len(batch)
            in_flight |= {pool.submit(_attempt, deps, policy, post, d, endpoints) for d in batch}
        if not in_flight:
            break
        finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
        done += [future.result() for future in finished]
        if len(done) >= REFILL_AT:
            _settle(deps, policy, done)
            done = []
    _settle(deps, policy, done)
    return claimed


def _attempt(
    deps: JobDeps,
    policy: WebhookPolicy,
    post: Post,
    delivery: WebhookDelivery,
    endpoints: Mapping[WebhookId, WebhookEndpoint] | None,
) -> Attempted:
    """Send one claimed attempt; its outcome as the delivery to write."""
    endpoint = _endpoint_of(deps, delivery, endpoints or {})
    if endpoint is None or endpoint.disabled_at is not None:
        gone = "the endpoint was deleted" if endpoint is None else "the endpoint is disabled"
        return Attempted(
            _outcome_of(deps, delivery, DeliveryStatus.FAILED, None, gone), None, False
        )
    now = deps.clock()
    started = time.perf_counter()
    status, error = _post(post, endpoint, delivery, policy.timeout_seconds)
    deps.metrics.observe_delivery(delivery.event_type, time.perf_counter() - started)
    ok = status is not None and 200 <= status < 300
    outcome = _outcome(policy, delivery, ok)
    retry = replace(delivery, next_attempt_at=_next(policy, delivery, now, outcome))
    return Attempted(_outcome_of(deps, retry, outcome, status, error), endpoint, ok)


def _settle(deps: JobDeps, policy: WebhookPolicy, attempted: Sequence[Attempted]) -> None:
    """Write the outcomes in one transaction; an attempt that no longer owns its delivery
    (its lease ran out and another sender claimed it) writes nothing. Each endpoint's failure
    count follows the deliveries that ended."""
    if not attempted:
        return
    written = deps.store.finish_deliveries([a.delivery for a in attempted])
    for done, finished in zip(attempted, written, strict=True):
        if not finished:
            continue
        _log(done.delivery)
        endpoint, ended = done.endpoint, done.delivery.status != DeliveryStatus.PENDING
        if endpoint is not None and ended and not (done.ok and _no_failures(endpoint)):
            deps.store.record_webhook_result(
                endpoint.id, done.ok, policy.disable_after, deps.clock()
            )


def _endpoint_of(
    deps: JobDeps, delivery: WebhookDelivery, endpoints: Mapping[WebhookId, WebhookEndpoint]
) -> WebhookEndpoint | None:
    """The delivery's endpoint from the batch's reading; one not in it (deleted or disabled
    since) is read again, so the delivery log can say which."""
    known = endpoints.get(delivery.webhook_id)
    if known is not None:
        return known
    return deps.store.get_webhook(delivery.organization_id, delivery.webhook_id)


def _no_failures(endpoint: WebhookEndpoint) -> bool:
    """A success has no failure count to reset (as read with the endpoint): the common case
    costs no write."""
    return endpoint.consecutive_failures == 0


def _post(
    post: Post, endpoint: WebhookEndpoint, delivery: WebhookDelivery, timeout: float
) -> tuple[int | None, str | None]:
    try:
        status = post(endpoint, delivery, timeout)
    except (UrlNotAllowed, FetchFailed, httpx.HTTPError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    return status, None if 200 <= status < 300 else f"the receiver answered {status}"


def _outcome(policy: WebhookPolicy, delivery: WebhookDelivery, ok: bool) -> DeliveryStatus:
    if ok:
        return DeliveryStatus.SUCCEEDED
    return (
        DeliveryStatus.FAILED
        if delivery.attempts >= policy.max_attempts
        else DeliveryStatus.PENDING
    )


def _next(
    policy: WebhookPolicy, delivery: WebhookDelivery, now: datetime, outcome: DeliveryStatus
) -> datetime:
    if outcome == DeliveryStatus.PENDING:
        return now + policy.retry_delay(delivery.attempts)
    return delivery.next_attempt_at


def _outcome_of(
    deps: JobDeps,
    delivery: WebhookDelivery,
    outcome: DeliveryStatus,
    status: int | None,
    error: str | None,
) -> WebhookDelivery:
    check_delivery_transition(delivery.status, outcome)
    delivered = deps.clock() if outcome == DeliveryStatus.SUCCEEDED else None
    return replace(
        delivery,
        status=outcome,
        last_status_code=status,
        last_error=error,
        delivered_at=delivered,
    )


def _log(delivery: WebhookDelivery) -> None:
    status = delivery.last_status_code
    log.info(
        "webhook delivery %s (%s) attempt %d: %s",
        delivery.id,
        delivery.event_type,
        delivery.attempts,
        delivery.status.value if status is None else f"{delivery.status.value}, status {status}",
    )
