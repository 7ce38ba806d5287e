"""Webhooks: events become signed deliveries, retried with backoff, fenced, and guarded."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import msgspec
import pytest
from standardwebhooks import Webhook

from data.metadata.models import OrgId
from engine.states import DeliveryStatus, RunType
from jobs.errors import InvalidRequest
from jobs.execute import execute_run
from jobs.submit import submit_run
from jobs.urlguard import UrlGuard
from jobs.webhook_http import http_post, signature
from jobs.webhooks import (
    SENDERS,
    WebhookPolicy,
    create_endpoint,
    new_delivery,
    record_events,
    send_due,
    webhook_tick,
)
from jobs.wire import run_out
from tests.jobs.webhook_receiver import receiver

OPEN = UrlGuard(allow_private=True)


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store, settings={"webhooks_allow_private": True})


def _completed_run(deps, audience):
    run = submit_run(deps, audience=audience, run_type=RunType.MANUAL, data_date=None,
                     now=deps.clock())  # fmt: skip
    deps.clock.advance(1)
    execute_run(deps, run.id)
    deps.clock.advance(1)
    return deps.store.get_run(run.id)


def _endpoint(deps, audience, url, events=("run.completed",)):
    org = OrgId(audience.organization_id)
    return create_endpoint(deps.store, org, url, list(events), deps.clock(), OPEN)


def test_signature_matches_the_specification_test_vector() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_a_completed_run_is_delivered_once_with_a_signature_the_reference_library_verifies(
    deps, make_audience
) -> None:
    audience = make_audience()
    with receiver([204]) as hook:
        endpoint = _endpoint(deps, audience, hook.url)
        run = _completed_run(deps, audience)
        deps.clock.now = datetime.now(UTC)  # the library refuses timestamps far from its clock
        webhook_tick(deps)
        webhook_tick(deps)
    [request] = hook.requests
    verified = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert verified["type"] == "run.completed"
    assert verified["data"]["id"] == run.id
    assert verified["data"]["status"] == "completed"
    assert request.headers["webhook-id"].startswith("msg_")
    [delivery] = deps.store.list_deliveries(endpoint.id, 10)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED, 1, 204,
    )  # fmt: skip


def test_a_receiver_failing_twice_gets_three_attempts_and_one_success(deps, make_audience) -> None:
    audience = make_audience()
    policy = WebhookPolicy(retry_seconds=30, allow_private=True)
    with receiver([500, 500, 200]) as hook:
        endpoint = _endpoint(deps, audience, hook.url)
        _completed_run(deps, audience)
        post = http_post(OPEN, deps.clock)
        [recorded] = record_events(deps, deps.clock())
        with ThreadPoolExecutor(2) as pool:
            for wait in (0, 30, 90):
                deps.clock.advance(wait - 1)
                assert send_due(deps, policy, post, pool) == 0  # not yet
                deps.clock.advance(1)
                assert send_due(deps, policy, post, pool) == 1
        deps.clock.advance(10_000)
        assert deps.store.due_deliveries(deps.clock()) == []
    assert [r.headers["webhook-id"] for r in hook.requests] == [recorded.id] * 3
    delivery = deps.store.get_delivery(recorded.id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED, 3, 200,
    )  # fmt: skip
    assert deps.store.get_webhook(endpoint.organization_id, endpoint.id).consecutive_failures == 0


def test_a_retry_is_not_sent_before_its_backoff(deps, make_audience) -> None:
    audience = make_audience()
    with receiver([500]) as hook:
        _endpoint(deps, audience, hook.url)
        _completed_run(deps, audience)
        webhook_tick(deps)
        deps.clock.advance(29)
        webhook_tick(deps)
        assert len(hook.requests) == 1
        deps.clock.advance(1)
        webhook_tick(deps)
        assert len(hook.requests) == 2


def test_a_sender_that_vanished_mid_delivery_is_followed_by_one_with_the_same_webhook_id(
    deps, make_audience
) -> None:
    audience = make_audience()
    with receiver([200]) as hook:
        _endpoint(deps, audience, hook.url)
        _completed_run(deps, audience)
        [recorded] = record_events(deps, deps.clock())
        lease = deps.clock() + WebhookPolicy().lease()
        [claimed] = deps.store.claim_deliveries(deps.clock(), lease, 10)  # then: gone
        assert claimed.id == recorded.id
        deps.clock.advance(WebhookPolicy().lease().total_seconds() - 1)
        webhook_tick(deps)
        assert hook.requests == []  # not before the lease runs out
        deps.clock.advance(1)
        webhook_tick(deps)
    [request] = hook.requests
    assert request.headers["webhook-id"] == recorded.id
    assert deps.store.get_delivery(recorded.id).status == DeliveryStatus.SUCCEEDED


def test_only_subscribed_events_are_delivered(deps, make_audience) -> None:
    audience = make_audience()
    with receiver([200]) as hook:
        failed_only = _endpoint(deps, audience, hook.url, events=("run.failed",))
        _completed_run(deps, audience)
        webhook_tick(deps)
        assert hook.requests == []
        assert deps.store.list_deliveries(failed_only.id, 10) == []


def test_an_endpoint_is_disabled_after_consecutive_failed_deliveries(
    make_deps, store, make_audience
) -> None:
    settings = {
        "webhooks_allow_private": True,
        "webhook_max_attempts": 1,
        "webhook_disable_after": 2,
    }
    deps = make_deps(store, settings=settings)
    audience = make_audience()
    with receiver([500]) as hook:
        endpoint = _endpoint(deps, audience, hook.url)
        for _ in range(3):
            _completed_run(deps, audience)
            webhook_tick(deps)
    assert len(hook.requests) == 2
    shown = deps.store.get_webhook(endpoint.organization_id, endpoint.id)
    assert shown.disabled_at is not None
    assert shown.consecutive_failures == 2


def test_private_and_loopback_urls_are_refused_unless_allowed(deps, make_audience) -> None:
    audience = make_audience()
    closed = UrlGuard(allow_private=False)
    for url in (
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/",
        "ftp://example.com/",
    ):
        with pytest.raises(InvalidRequest) as refused:
            create_endpoint(
                deps.store,
                OrgId(audience.organization_id),
                url,
                ["run.completed"],
                deps.clock(),
                closed,
            )
        assert [p.field for p in refused.value.problems] == ["url"]


def test_unknown_or_missing_event_types_are_refused_naming_the_field(deps, make_audience) -> None:
    org = OrgId(make_audience().organization_id)
    for events in ([], ["run.started"]):
        with pytest.raises(InvalidRequest) as refused:
            create_endpoint(deps.store, org, "https://example.com/h", events, deps.clock(), OPEN)
        assert {p.field for p in refused.value.problems} == {"events"}


def test_body_is_the_event_type_time_and_the_run_as_the_api_shows_it(deps, make_audience) -> None:
    audience = make_audience()
    with receiver([200]) as hook:
        endpoint = _endpoint(deps, audience, hook.url)
        run = _completed_run(deps, audience)
        [delivery] = record_events(deps, deps.clock())
    body = json.loads(delivery.body)
    assert set(body) == {"type", "timestamp", "data"}
    assert body["data"]["completedAt"].endswith("Z")
    assert body["data"]["resultCount"] == run.result_count
    assert (body["data"]["stage"], body["data"]["progress"]) == (None, 1.0)
    assert body["data"] == msgspec.to_builtins(run_out(run))
    assert delivery.webhook_id == endpoint.id


def test_a_tick_also_sends_the_events_that_happen_while_it_sends(deps, make_audience) -> None:
    audience = make_audience()
    _endpoint(deps, audience, "http://127.0.0.1:9/hooks")
    _completed_run(deps, audience)
    sent = []

    def post(endpoint, delivery, timeout):
        if not sent:
            _completed_run(deps, audience)  # completes while the first delivery is in flight
        sent.append(delivery.subject_id)
        return 204

    assert webhook_tick(deps, post) == 2
    assert len(set(sent)) == 2


def test_a_slow_receiver_holds_one_sender_while_the_others_go_on(deps, make_audience) -> None:
    audience = make_audience()
    endpoint = _endpoint(deps, audience, "http://127.0.0.1:9/hooks")
    total = 3 * SENDERS
    # The held delivery is the longest waiting, so it is claimed in the first batch and holds
    # its sender while every other one is still to go (claimed last, after the others went out,
    # it would overlap none of them).
    held = new_delivery(endpoint, "run.completed", "run-0", {}, deps.clock())
    deps.clock.advance(1)
    batch = [held] + [
        new_delivery(endpoint, "run.completed", f"run-{n}", {}, deps.clock())
        for n in range(1, total)
    ]
    deps.store.create_deliveries(batch)
    others_sent = threading.Event()
    lock = threading.Lock()
    in_flight, most, sent = 0, 0, []

    def post(endpoint, delivery, timeout):
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        if delivery.id == held.id:
            others_sent.wait(30)  # held until every other delivery went out
        with lock:
            in_flight -= 1
            sent.append(delivery.id)
            if len(sent) == total - 1:
                others_sent.set()
        return 204

    assert webhook_tick(deps, post) == total
    assert sent[-1] == held.id  # the others did not wait for it
    assert 1 < most <= SENDERS
    ended = [deps.store.get_delivery(d.id) for d in batch]
    assert {(d.status, d.attempts) for d in ended} == {(DeliveryStatus.SUCCEEDED, 1)}


def test_a_run_that_ends_in_this_process_nudges_its_webhook_sender(deps, make_audience) -> None:
    audience = make_audience()
    assert not deps.webhook_nudge.is_set()
    _completed_run(deps, audience)
    assert deps.webhook_nudge.is_set()
