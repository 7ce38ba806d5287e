"""The scheduler loop: it ticks, survives a failing tick, and stops when asked."""

import threading

from jobs.loop import LoopThread, run_loop, tick_once
from tests.jobs.factories import DATES
from tests.jobs.polling import wait_for


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
