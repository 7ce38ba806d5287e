"""Contract: guarded run status changes, each fenced by the expected status and attempt."""

from collections.abc import Callable
from typing import Any

import pytest

from data.metadata.models import Run, RunId
from data.metadata.store import MetadataStore
from engine.states import TERMINAL, RunStatus
from tests.metadata import factories
from tests.metadata.factories import NOW, at

DONE: dict[str, Any] = {"candidate_count": 12, "result_count": 10, "snapshot_path": "o/a/r"}


def _current(store: MetadataStore, run: Run) -> Run:
    found = store.get_run(run.id)
    assert found is not None
    return found


def test_claim_moves_a_queued_run_to_running_with_one_more_attempt_and_a_lease(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    claimed = store.claim_run(run.id, at(1), at(31))
    assert claimed is not None
    assert (claimed.status, claimed.attempts) == (RunStatus.RUNNING, 1)
    assert (claimed.started_at, claimed.lease_expires_at) == (at(1), at(31))
    assert _current(store, run) == claimed


def test_claim_of_a_running_run_returns_none(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.claim_run(run.id, at(2), at(32)) is None
    assert _current(store, run) == run


def test_claim_of_an_unknown_run_returns_none(store: MetadataStore) -> None:
    assert store.claim_run(RunId(factories.new_id()), NOW, at(30)) is None


def test_reclaiming_a_requeued_run_counts_a_second_attempt(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.requeue_run(run.id, 1, at(40))
    claimed = store.claim_run(run.id, at(41), at(71))
    assert claimed is not None
    assert claimed.attempts == 2


def test_heartbeat_extends_the_lease_of_the_current_attempt(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.heartbeat(run.id, 1, at(90))
    assert _current(store, run).lease_expires_at == at(90)


def test_heartbeat_of_a_stale_attempt_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.requeue_run(run.id, 1, at(40))
    store.claim_run(run.id, at(41), at(71))
    assert not store.heartbeat(run.id, 1, at(500))
    assert _current(store, run).lease_expires_at == at(71)


def test_heartbeat_of_a_finished_run_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.COMPLETED)
    assert not store.heartbeat(run.id, 1, at(500))


def test_complete_writes_counts_snapshot_and_time_and_drops_the_lease(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.complete_run(run.id, 1, now=at(20), **DONE)
    done = _current(store, run)
    assert (done.status, done.candidate_count, done.result_count) == (RunStatus.COMPLETED, 12, 10)
    assert (done.snapshot_path, done.completed_at, done.lease_expires_at) == ("o/a/r", at(20), None)


def test_complete_of_a_stale_attempt_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.requeue_run(run.id, 1, at(40), "WORKER_LOST", "lease expired")
    store.claim_run(run.id, at(41), at(71))
    assert not store.complete_run(run.id, 1, now=at(50), **DONE)
    assert _current(store, run).status == RunStatus.RUNNING


def test_completing_clears_the_error_of_an_earlier_attempt(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.requeue_run(run.id, 1, at(40), "WORKER_LOST", "lease expired")
    store.claim_run(run.id, at(41), at(71))
    store.complete_run(run.id, 2, now=at(50), **DONE)
    done = _current(store, run)
    assert (done.error_code, done.error_message) == (None, None)


def test_fail_records_the_error_code_message_and_time(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.fail_run(run.id, 1, "DATA_NOT_AVAILABLE", "no data for 2026-03-01", at(5))
    failed = _current(store, run)
    assert (failed.status, failed.error_code) == (RunStatus.FAILED, "DATA_NOT_AVAILABLE")
    assert (failed.error_message, failed.completed_at) == ("no data for 2026-03-01", at(5))
    assert failed.lease_expires_at is None


def test_fail_of_a_stale_attempt_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    store.requeue_run(run.id, 1, at(40))
    store.claim_run(run.id, at(41), at(71))
    assert not store.fail_run(run.id, 1, "INTERNAL", "late", at(50))
    assert _current(store, run).status == RunStatus.RUNNING


def test_fail_without_an_attempt_fails_whichever_attempt_is_running(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.fail_run(run.id, None, "WORKER_LOST", "gone", at(50))
    assert _current(store, run).status == RunStatus.FAILED


def test_fail_of_a_queued_run_is_refused(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    assert not store.fail_run(run.id, None, "INTERNAL", "never claimed", at(5))
    assert _current(store, run) == run


def test_requeue_puts_a_running_run_back_with_its_error_and_no_lease(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert store.requeue_run(run.id, 1, at(40), "WORKER_LOST", "lease expired")
    queued = _current(store, run)
    assert (queued.status, queued.attempts, queued.lease_expires_at) == (RunStatus.QUEUED, 1, None)
    assert (queued.error_code, queued.error_message) == ("WORKER_LOST", "lease expired")


def test_requeue_of_a_stale_attempt_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert not store.requeue_run(run.id, 2, at(40))
    assert _current(store, run).status == RunStatus.RUNNING


def test_cancel_moves_a_queued_run_to_cancelled(
    store: MetadataStore, make_run: Callable[..., Run]
) -> None:
    run = make_run()
    assert store.cancel_run(run.id, at(3))
    cancelled = _current(store, run)
    assert (cancelled.status, cancelled.cancelled_at) == (RunStatus.CANCELLED, at(3))


def test_cancel_of_a_running_run_is_refused(
    store: MetadataStore, run_in: Callable[..., Run]
) -> None:
    run = run_in(RunStatus.RUNNING)
    assert not store.cancel_run(run.id, at(3))
    assert _current(store, run) == run


@pytest.mark.parametrize("status", sorted(TERMINAL))
def test_a_terminal_run_never_changes(
    store: MetadataStore, run_in: Callable[..., Run], status: RunStatus
) -> None:
    run = run_in(status)
    assert store.claim_run(run.id, at(100), at(130)) is None
    assert not store.complete_run(run.id, 1, now=at(100), **DONE)
    assert not store.fail_run(run.id, None, "INTERNAL", "late", at(100))
    assert not store.requeue_run(run.id, 1, at(100))
    assert not store.cancel_run(run.id, at(100))
    assert _current(store, run) == run
