"""reconcile_once: lost messages re-sent, dead workers' runs recovered, stale staging removed."""

import dataclasses
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest

from data.errors import StorageError
from engine.states import RunStatus, RunType
from jobs.exports import new_export
from jobs.reconciler import reconcile_once, resend_due
from jobs.submit import submit_run
from tests.jobs.factories import START


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store, settings={"lease_seconds": 30, "tick_seconds": 5, "max_attempts": 2})


@pytest.fixture
def queued(deps, make_audience):
    def make():
        return submit_run(
            deps,
            audience=make_audience(),
            run_type=RunType.MANUAL,
            data_date=None,
            now=deps.clock(),
        )

    return make


def claim(deps, run):
    now = deps.clock()
    return deps.store.claim_run(run.id, now, now + timedelta(seconds=deps.settings.lease_seconds))


def test_queued_run_whose_message_was_lost_is_sent_again(deps, queued, enqueue) -> None:
    run = queued()
    deps.clock.advance(11)
    assert reconcile_once(deps, deps.clock()).resent == [run.id]
    assert enqueue.sent == [run.id, run.id]


def test_recently_sent_run_is_not_sent_again(deps, queued, enqueue) -> None:
    queued()
    deps.clock.advance(9)
    assert reconcile_once(deps, deps.clock()).resent == []


def test_run_the_broker_never_got_is_sent_at_the_next_tick(deps, queued, enqueue) -> None:
    enqueue.down = True
    run = queued()
    enqueue.down = False
    assert reconcile_once(deps, deps.clock()).resent == [run.id]


def test_expired_lease_puts_the_run_back_in_the_queue(deps, queued, enqueue) -> None:
    run = claim(deps, queued())
    deps.clock.advance(31)
    assert reconcile_once(deps, deps.clock()).requeued == [run.id]
    again = deps.store.get_run(run.id)
    assert (again.status, again.error_code, again.attempts) == (RunStatus.QUEUED, "WORKER_LOST", 1)
    assert enqueue.sent[-1] == run.id


def test_live_lease_is_left_alone(deps, queued) -> None:
    run = claim(deps, queued())
    deps.clock.advance(29)
    reconcile_once(deps, deps.clock())
    assert deps.store.get_run(run.id).status == RunStatus.RUNNING


def test_expired_lease_on_the_last_attempt_fails_with_worker_lost(deps, queued) -> None:
    run = claim(deps, queued())
    deps.clock.advance(31)
    reconcile_once(deps, deps.clock())
    claim(deps, run)
    deps.clock.advance(31)
    assert reconcile_once(deps, deps.clock()).failed == [run.id]
    failed = deps.store.get_run(run.id)
    assert (failed.status, failed.error_code, failed.attempts) == (
        RunStatus.FAILED,
        "WORKER_LOST",
        2,
    )


def test_two_reconcilers_recover_an_expired_lease_once(deps, queued) -> None:
    run = claim(deps, queued())
    deps.clock.advance(31)
    reports = [reconcile_once(deps, deps.clock()) for _ in range(2)]
    assert [r.requeued for r in reports] == [[run.id], []]


def _staging_dir(deps, name: str, age_seconds: float):
    path = deps.snapshots.staging_root / name
    path.mkdir(parents=True)
    (path / "results.parquet").write_bytes(b"partial")
    stamp = deps.clock().timestamp() - age_seconds
    for item in (path / "results.parquet", path):
        os.utime(item, (stamp, stamp))
    return path


def test_staging_output_older_than_the_grace_period_is_removed(deps) -> None:
    grace = deps.settings.run_time_limit_seconds + deps.settings.lease_seconds
    old = _staging_dir(deps, "run-1-abc", grace + 5)
    assert reconcile_once(deps, deps.clock()).staging_removed == [old]
    assert not old.exists()


def test_fresh_staging_output_is_kept(deps) -> None:
    fresh = _staging_dir(deps, "run-2-abc", 5)
    reconcile_once(deps, deps.clock())
    assert fresh.exists()


class UnreachableSnapshots:
    """A snapshot store whose storage does not answer (a bucket behind a dead endpoint)."""

    def list_staging(self, older_than):
        raise StorageError("bucket 'snapshots' at http://127.0.0.1:1 cannot be used")


def test_unreachable_snapshot_storage_skips_staging_and_still_recovers_runs(
    deps, queued, enqueue
) -> None:
    unreachable = dataclasses.replace(deps, snapshots=UnreachableSnapshots())
    run = claim(deps, queued())
    deps.clock.advance(31)
    report = reconcile_once(unreachable, deps.clock())
    assert (report.requeued, report.staging_removed) == ([run.id], [])


def _queued_run(created_seconds_ago: float, sent_seconds_ago: float | None):
    sent = None if sent_seconds_ago is None else START - timedelta(seconds=sent_seconds_ago)
    return SimpleNamespace(
        created_at=START - timedelta(seconds=created_seconds_ago), last_enqueued_at=sent
    )


TICK = timedelta(seconds=5)


def test_never_sent_run_is_due_at_once() -> None:
    assert resend_due(_queued_run(1, None), START, TICK)


def test_young_run_is_due_again_after_two_ticks() -> None:
    assert resend_due(_queued_run(20, 10), START, TICK)


def test_old_run_waits_a_quarter_of_its_age_between_sends() -> None:
    hour_old = 3600
    assert not resend_due(_queued_run(hour_old, 120), START, TICK)
    assert resend_due(_queued_run(hour_old, 300), START, TICK)


LEASE = timedelta(seconds=30)


def _processing_export(deps, run, tmp_path):
    export = new_export(run, "csv", tmp_path / "results.csv", deps.clock())
    assert deps.store.create_export(export)
    return export


def test_export_whose_last_attempt_stopped_renewing_its_lease_fails_with_worker_lost(
    deps, queued, tmp_path
) -> None:
    export = _processing_export(deps, queued(), tmp_path)
    for _ in range(deps.settings.max_attempts):
        now = deps.clock()
        assert deps.store.claim_export(deps.store.get_export(export.id), now, now + LEASE)
        deps.clock.advance(LEASE.total_seconds() + 1)
    assert reconcile_once(deps, deps.clock()).exports_failed == [export.id]
    failed = deps.store.get_export(export.id)
    assert (failed.status, failed.error_code) == ("failed", "WORKER_LOST")


def test_export_under_a_live_lease_is_left_alone(deps, queued, tmp_path) -> None:
    export = _processing_export(deps, queued(), tmp_path)
    now = deps.clock()
    assert deps.store.claim_export(export, now, now + LEASE)
    deps.clock.advance(LEASE.total_seconds() - 1)
    report = reconcile_once(deps, deps.clock())
    assert (report.exports_failed, report.exports_resent) == ([], [])
    assert deps.store.get_export(export.id).status == "processing"
