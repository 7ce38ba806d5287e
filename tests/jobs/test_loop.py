"""The scheduler loop: it ticks, survives a failing tick, and stops when asked."""

import json
import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from data.metadata.connect import open_store
from data.metadata.models import OrgId
from engine.states import RunType
from jobs.loop import LoopThread, WebhookPolling, run_loop, tick_once
from jobs.submit import submit_run
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint, new_delivery
from tests.jobs.factories import DATES
from tests.jobs.polling import wait_for
from tests.jobs.webhook_receiver import receiver


class FailingOnce:
    """A store whose first `expired_leases` call fails, like a database restarting."""

    def __init__(self, store) -> None:
        self._store = store
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def expired_leases(self, now, limit=500):
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("database restarting")
        return self._store.expired_leases(now, limit)


def test_tick_reconciles_and_schedules(make_deps, memory_store, make_audience_on) -> None:
    make_audience_on(memory_store)()
    report = tick_once(make_deps(memory_store))
    assert [run.data_date for run in report.scheduled] == [DATES[-1]]  # a new audience: newest


def test_failing_tick_does_not_end_the_loop(make_deps, memory_store) -> None:
    store = FailingOnce(memory_store)
    deps = make_deps(store, settings={"tick_seconds": 1})
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(deps, stop))
    loop.start()
    try:
        wait_for(lambda: store.calls >= 2, seconds=10, message="a second tick")
    finally:
        stop.set()
        loop.join()


def test_loop_thread_stops_without_waiting_for_the_next_tick(make_deps, memory_store) -> None:
    loop = LoopThread(make_deps(memory_store, settings={"tick_seconds": 600}))
    loop.start()
    stopper = threading.Thread(target=loop.stop)
    stopper.start()
    stopper.join(timeout=10)
    assert not stopper.is_alive()


def test_a_loop_thread_never_started_stops_at_once(make_deps, memory_store) -> None:
    loop = LoopThread(make_deps(memory_store))
    loop.stop()
    loop.stop()


def test_tick_purges_idempotency_keys_past_their_retention(
    make_deps, memory_store, make_audience_on, clock
) -> None:
    org_id = make_audience_on(memory_store)().organization_id
    memory_store.reserve_idempotency_key(org_id, "old", "f" * 64, clock())
    clock.advance(25 * 3600)
    assert tick_once(make_deps(memory_store)).idempotency_purged == 1
    assert memory_store.reserve_idempotency_key(org_id, "old", "0" * 64, clock())[0] == "new"


class CountingClaims:
    """A store that counts the webhook claims that have returned."""

    def __init__(self, store) -> None:
        self._store = store
        self.claims = 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def claim_deliveries(self, now, lease_until, limit):
        claimed = self._store.claim_deliveries(now, lease_until, limit)
        self.claims += 1
        return claimed


def test_webhook_events_are_sent_between_ticks(make_deps, memory_store, make_audience_on) -> None:
    store = CountingClaims(memory_store)
    deps = make_deps(store, settings={"tick_seconds": 600, "webhooks_allow_private": True})
    org = OrgId(make_audience_on(memory_store)().organization_id)
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(deps, stop))
    with receiver([204]) as hook:
        endpoint = create_endpoint(memory_store, org, hook.url, ["run.completed"], deps.clock(),
                                   UrlGuard(allow_private=True))  # fmt: skip
        loop.start()
        try:
            wait_for(lambda: store.claims, seconds=30, message="the first tick's webhooks")
            event = new_delivery(endpoint, "run.completed", "run-1", {}, deps.clock())
            memory_store.create_deliveries([event])  # after the first tick, long before the next
            wait_for(lambda: hook.requests, seconds=30, message="a delivery before the next tick")
        finally:
            stop.set()
            loop.join()
    assert [r.headers["webhook-id"] for r in hook.requests] == [event.id]


def test_webhook_polling_doubles_its_wait_while_idle_and_returns_to_busy_after_work() -> None:
    polling = WebhookPolling(busy=0.5, idle=2.0)
    waits = [0.5]
    for _ in range(4):
        waits.append(polling.next_wait(waits[-1], worked=False))
    assert waits == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert polling.next_wait(2.0, worked=True) == 0.5


def test_an_idle_loop_asks_for_due_deliveries_less_and_less_often(make_deps, memory_store) -> None:
    store = CountingClaims(memory_store)
    deps = make_deps(store, settings={"tick_seconds": 600})
    stop = threading.Event()
    polling = WebhookPolling(busy=0.05, idle=0.4)
    loop = threading.Thread(target=run_loop, args=(deps, stop, polling))
    loop.start()
    try:
        stop.wait(2.0)  # at a fixed 0.05 s: 40 claims; backing off: 0.05, 0.1, 0.2, 0.4, ...
    finally:
        stop.set()
        loop.join()
    assert 2 <= store.claims <= 10


def test_an_event_of_this_process_is_sent_without_waiting_for_the_poll(
    make_deps, memory_store, make_audience_on
) -> None:
    store = CountingClaims(memory_store)
    deps = make_deps(store, settings={"tick_seconds": 600, "webhooks_allow_private": True})
    org = OrgId(make_audience_on(memory_store)().organization_id)
    stop = threading.Event()
    polling = WebhookPolling(busy=300, idle=600)
    loop = threading.Thread(target=run_loop, args=(deps, stop, polling))
    with receiver([204]) as hook:
        endpoint = create_endpoint(memory_store, org, hook.url, ["run.completed"], deps.clock(),
                                   UrlGuard(allow_private=True))  # fmt: skip
        loop.start()
        try:
            wait_for(lambda: store.claims, seconds=30, message="the first tick's webhooks")
            event = new_delivery(endpoint, "run.completed", "run-1", {}, deps.clock())
            memory_store.create_deliveries([event])
            deps.webhook_nudge.set()  # as a run completed by this process does
            wait_for(lambda: hook.requests, seconds=30, message="a delivery before the poll")
        finally:
            stop.set()
            loop.join()
    assert [r.headers["webhook-id"] for r in hook.requests] == [event.id]


@pytest.mark.postgres
def test_an_event_written_by_another_process_wakes_the_loop_on_postgresql(
    make_deps, make_audience_on, postgres_url
) -> None:
    sender, other = open_store(postgres_url), open_store(postgres_url)  # two processes' pools
    settings = {"tick_seconds": 600, "webhooks_allow_private": True, "database_url": postgres_url}
    deps = make_deps(CountingClaims(sender), settings=settings)
    audience = make_audience_on(other)()
    stop = threading.Event()
    loop = threading.Thread(target=run_loop, args=(deps, stop, WebhookPolling(300, 600, 0.1)))
    with receiver([204]) as hook:
        create_endpoint(other, OrgId(audience.organization_id), hook.url, ["run.completed"],
                        deps.clock(), UrlGuard(allow_private=True))  # fmt: skip
        loop.start()
        try:
            wait_for(lambda: deps.store.claims >= 2, seconds=30, message="the first passes")
            run = submit_run(replace(deps, store=other), audience=audience,
                             run_type=RunType.MANUAL, data_date=None, now=deps.clock())  # fmt: skip
            assert other.claim_run(run.id, deps.clock(), deps.clock() + timedelta(seconds=30))
            assert other.complete_run(run.id, 1, candidate_count=1, result_count=1,
                                      snapshot_path="s", now=deps.clock())  # fmt: skip
            wait_for(lambda: hook.requests, seconds=30, message="a delivery before the poll")
        finally:
            stop.set()
            loop.join()
            sender.engine.dispose()
            other.engine.dispose()
    assert json.loads(hook.requests[0].body)["data"]["id"] == run.id
