"""Contract: the reads the reconciler and the staging collector make."""

from collections.abc import Callable

from data.metadata.models import Run
from data.metadata.store import MetadataStore
from engine.states import RunStatus
from tests.metadata.factories import at


def _ids(runs: list[Run]) -> list[str]:
    return [run.id for run in runs]


def test_expired_leases_are_the_running_runs_whose_lease_has_passed(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    expired, alive = make_run(), make_run()
    store.claim_run(expired.id, at(0), at(30))
    store.claim_run(alive.id, at(0), at(90))
    assert _ids(store.expired_leases(at(60))) == [expired.id]


def test_expired_leases_skip_runs_that_are_no_longer_running(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run_in(RunStatus.COMPLETED)
    run_in(RunStatus.FAILED)
    assert store.expired_leases(at(10_000)) == []


def test_expired_leases_come_oldest_lease_first_up_to_the_limit(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    runs = [make_run() for _ in range(3)]
    for lease, run in zip((20, 10, 30), runs, strict=True):
        store.claim_run(run.id, at(0), at(lease))
    assert _ids(store.expired_leases(at(60), limit=2)) == [runs[1].id, runs[0].id]


def test_a_queued_run_never_enqueued_is_due(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run(created_at=at(0))
    assert _ids(store.queued_runs_not_enqueued_since(at(0))) == [run.id]


def test_an_enqueued_run_is_due_once_its_last_delivery_is_older_than_before(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    store.mark_enqueued([run.id], at(10))
    assert store.queued_runs_not_enqueued_since(at(10)) == []
    assert _ids(store.queued_runs_not_enqueued_since(at(11))) == [run.id]


def test_mark_enqueued_records_the_time_on_queued_runs_only(
    store: MetadataStore, make_run: Callable[..., Run], run_in: Callable[..., Run]
) -> None:
    queued, running = make_run(), run_in(RunStatus.RUNNING)
    store.mark_enqueued([queued.id, running.id], at(10))
    marked = store.get_run(queued.id)
    untouched = store.get_run(running.id)
    assert marked is not None
    assert marked.last_enqueued_at == at(10)
    assert untouched == running


def test_a_requeued_run_is_due_again_at_once(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.mark_enqueued([run.id], at(100))  # a no-op: the run is not queued
    store.requeue_run(run.id, 1, at(100))
    assert _ids(store.queued_runs_not_enqueued_since(at(0))) == [run.id]


def test_due_queued_runs_come_oldest_first_up_to_the_limit(
    store: MetadataStore, make_run: Callable[..., Run], run_in: Callable[..., Run]
) -> None:
    runs = [make_run(created_at=at(s)) for s in (3, 1, 2)]
    run_in(RunStatus.CANCELLED)
    due = store.queued_runs_not_enqueued_since(at(5), limit=2)
    assert _ids(due) == [runs[1].id, runs[2].id]


def test_snapshot_paths_are_those_of_completed_runs(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    done = run_in(RunStatus.COMPLETED)
    run_in(RunStatus.FAILED)
    run_in(RunStatus.RUNNING)
    assert store.snapshot_paths() == {done.snapshot_path}
