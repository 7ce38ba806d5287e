"""The heartbeat: it extends the lease of the attempt it belongs to, and notices when it lost it."""

import time
from datetime import timedelta

import pytest

from engine.states import RunType
from jobs.lease import Heartbeat
from jobs.submit import submit_run


@pytest.fixture
def claimed(make_deps, memory_store, make_audience_on, clock):
    deps = make_deps(memory_store)
    audience = make_audience_on(memory_store)()
    run = submit_run(deps, audience=audience, run_type=RunType.MANUAL, data_date=None, now=clock())
    return memory_store.claim_run(run.id, clock(), clock() + timedelta(seconds=30))


def test_beat_extends_the_lease_to_a_full_ttl_from_now(memory_store, claimed, clock) -> None:
    clock.advance(20)
    assert Heartbeat(memory_store, claimed, clock, 30).beat()
    extended = memory_store.get_run(claimed.id).lease_expires_at
    assert extended == clock() + timedelta(seconds=30)


def test_beat_of_a_recovered_attempt_is_refused(memory_store, claimed, clock) -> None:
    memory_store.requeue_run(claimed.id, claimed.attempts, clock())
    assert not Heartbeat(memory_store, claimed, clock, 30).beat()


def test_losing_the_lease_sets_lost(memory_store, claimed, clock) -> None:
    memory_store.requeue_run(claimed.id, claimed.attempts, clock())
    with Heartbeat(memory_store, claimed, clock, 0.03) as heartbeat:
        assert heartbeat.lost.wait(timeout=5)


def test_a_kept_lease_is_not_lost(memory_store, claimed, clock) -> None:
    with Heartbeat(memory_store, claimed, clock, 0.03) as heartbeat:
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            assert not heartbeat.lost.is_set()
            time.sleep(0.01)
