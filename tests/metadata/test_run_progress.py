"""Contract: a running run's stage and progress (fenced by attempt), and the counts over every
run that operations read (by status and type, the queue's head, how attempts ended)."""

from collections.abc import Callable

from data.metadata.models import Run
from data.metadata.store import MetadataStore
from engine.states import RunStatus, RunType
from tests.metadata.factories import NOW, at


def _current(store: MetadataStore, run: Run) -> Run:
    found = store.get_run(run.id)
    assert found is not None
    return found


def test_a_claimed_run_is_at_the_claimed_stage_with_no_progress(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    claimed = store.claim_run(make_run().id, NOW, at(30))
    assert claimed is not None
    assert (claimed.stage, claimed.progress) == ("claimed", 0.0)


def test_the_stage_of_the_running_attempt_is_written(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.set_run_stage(run.id, run.attempts, "people", 0.25)
    assert (_current(store, run).stage, _current(store, run).progress) == ("people", 0.25)


def test_a_stale_attempt_cannot_write_a_stage(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert not store.set_run_stage(run.id, run.attempts + 1, "people", 0.25)
    assert _current(store, run).stage == "claimed"


def test_a_finished_run_takes_no_stage(store: MetadataStore, run_in: Callable[..., Run]) -> None:
    run = run_in(RunStatus.COMPLETED)
    assert not store.set_run_stage(run.id, run.attempts, "people", 0.25)
    assert (_current(store, run).stage, _current(store, run).progress) == (None, 1.0)


def test_a_requeued_run_forgets_its_stage(store: MetadataStore, run_in: Callable[..., Run]) -> None:
    run = run_in(RunStatus.RUNNING)
    store.set_run_stage(run.id, run.attempts, "topics", 0.5)
    assert store.requeue_run(run.id, run.attempts, at(1))
    assert (_current(store, run).stage, _current(store, run).progress) == (None, None)


def test_a_failed_run_keeps_the_stage_it_failed_in(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.set_run_stage(run.id, run.attempts, "writing", 0.6)
    assert store.fail_run(run.id, run.attempts, "INTERNAL", "disk full", at(1))
    assert _current(store, run).stage == "writing"


def test_the_tally_counts_runs_by_status_and_type_and_the_oldest_queued(
    store: MetadataStore, make_run: Callable[..., Run], run_in: Callable[..., Run]
) -> None:
    make_run(created_at=at(5))
    make_run(created_at=at(3), run_type=RunType.DAILY)
    run_in(RunStatus.COMPLETED)
    run_in(RunStatus.COMPLETED, run_type=RunType.DAILY, data_date="2026-03-02")
    run_in(RunStatus.FAILED)
    tally = store.run_tally()
    assert tally.by_status == {
        (RunStatus.QUEUED, RunType.MANUAL): 1,
        (RunStatus.QUEUED, RunType.DAILY): 1,
        (RunStatus.COMPLETED, RunType.MANUAL): 1,
        (RunStatus.COMPLETED, RunType.DAILY): 1,
        (RunStatus.FAILED, RunType.MANUAL): 1,
    }
    assert tally.oldest_queued_at == at(3)
    assert tally.count(RunStatus.QUEUED) == 2


def test_the_tally_of_an_empty_store_is_zero(store: MetadataStore) -> None:
    tally = store.run_tally()
    assert (tally.by_status, tally.oldest_queued_at, tally.attempts) == ({}, None, 0)
    assert (tally.retried, tally.lease_expiries, tally.gave_up) == (0, 0, 0)


def test_the_tally_counts_retries_expired_leases_and_give_ups(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    store.claim_run(run.id, NOW, at(30))
    assert store.requeue_run(run.id, 1, at(31), "WORKER_LOST", "lost", lease_expired=True)
    store.claim_run(run.id, at(32), at(62))
    assert store.requeue_run(run.id, 2, at(40), "INTERNAL", "disk full")
    store.claim_run(run.id, at(41), at(71))
    assert store.fail_run(
        run.id, 3, "WORKER_LOST", "lost", at(72), lease_expired=True, gave_up=True
    )
    tally = store.run_tally()
    assert (tally.attempts, tally.retried, tally.lease_expiries, tally.gave_up) == (3, 2, 2, 1)


def test_running_runs_are_listed_longest_running_first(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    later, earlier = make_run(), make_run()
    store.claim_run(later.id, at(10), at(40))
    store.claim_run(earlier.id, at(5), at(35))
    assert [run.id for run in store.running_runs()] == [earlier.id, later.id]
    assert [run.id for run in store.running_runs(limit=1)] == [earlier.id]


def test_failure_counts_are_by_error_code_since_a_time(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    for code, failed_at in (("TIMEOUT", 10), ("TIMEOUT", 20), ("INTERNAL", 30), ("INTERNAL", 1)):
        run = make_run()
        store.claim_run(run.id, NOW, at(100))
        store.fail_run(run.id, 1, code, "failed", at(failed_at))
    assert store.failure_counts(at(10)) == {"TIMEOUT": 2, "INTERNAL": 1}
