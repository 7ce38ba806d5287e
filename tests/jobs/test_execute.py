"""execute_run: claim, produce, complete; what each kind of failure does to the run."""

import json
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from data.catalog import DatasetCatalog
from data.snapshots.diff import diff_snapshots
from data.storage import open_store
from data.store_catalog import StoreCatalog
from engine.errors import EngineError
from engine.states import RunStatus, RunType
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.reconciler import reconcile_once
from jobs.services import RUN_PRELOAD
from jobs.submit import submit_run
from jobs.work import ChildRunner, InlineRunner, snapshot_key
from tests import services
from tests.jobs import targets
from tests.jobs.factories import DATES, publish_tiny


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store)


@pytest.fixture
def queued(deps, make_audience):
    def make(audience=None):
        audience = audience or make_audience()
        return submit_run(
            deps, audience=audience, run_type=RunType.MANUAL, data_date=None, now=deps.clock()
        )

    return make


def raising(exc):
    def target(order):
        raise exc

    return InlineRunner(target)


def test_queued_run_completes_with_its_snapshot(deps, queued) -> None:
    run = queued()
    execute_run(deps, run.id)
    done = deps.store.get_run(run.id)
    assert (done.status, done.attempts, done.result_count) == (RunStatus.COMPLETED, 1, 0)
    manifest = json.loads((Path(done.snapshot_path) / "manifest.json").read_text())
    assert (manifest["runId"], manifest["configHash"]) == (run.id, run.config_hash)


def test_redelivered_message_for_completed_run_does_nothing(deps, queued) -> None:
    run = queued()
    execute_run(deps, run.id)
    first = deps.store.get_run(run.id)
    deps.clock.advance(60)
    execute_run(deps, run.id)
    assert deps.store.get_run(run.id) == first


def test_message_for_cancelled_run_does_nothing(deps, queued) -> None:
    run = queued()
    deps.store.cancel_run(run.id, deps.clock())
    execute_run(deps, run.id)
    assert deps.store.get_run(run.id).status == RunStatus.CANCELLED


def test_missing_data_date_fails_the_run_without_retry(make_deps, store, queued, tmp_path) -> None:
    run = queued()
    deps = make_deps(store, catalog=DatasetCatalog(tmp_path / "no-data"))
    execute_run(deps, run.id)
    failed = deps.store.get_run(run.id)
    assert (failed.status, failed.error_code, failed.attempts) == (
        RunStatus.FAILED,
        "DATA_NOT_AVAILABLE",
        1,
    )


def test_a_missing_bucket_fails_the_run_with_a_storage_code_naming_it(
    make_deps, store, queued
) -> None:
    services.require(services.S3_PORT, "the S3 server")
    run = queued()
    bucket = StoreCatalog(open_store("s3://intent-no-such-bucket/dataset", services.S3))
    deps = make_deps(store, catalog=bucket, settings={"max_attempts": 1})
    execute_run(deps, run.id)
    failed = deps.store.get_run(run.id)
    assert (failed.status, failed.error_code) == (RunStatus.FAILED, "STORAGE_UNAVAILABLE")
    assert "'intent-no-such-bucket' does not exist" in str(failed.error_message)


def test_refused_credentials_fail_the_run_at_once_with_storage_access_denied(
    make_deps, store, queued, refusing_s3
) -> None:
    run = queued()
    refused = StoreCatalog(open_store("s3://intent-data/dataset", refusing_s3))
    deps = make_deps(store, catalog=refused, settings={"max_attempts": 3})
    execute_run(deps, run.id)
    failed = deps.store.get_run(run.id)
    assert (failed.status, failed.error_code) == (RunStatus.FAILED, "STORAGE_ACCESS_DENIED")
    assert failed.attempts == 1
    assert "'intent-data'" in str(failed.error_message)
    assert "refused the credentials" in str(failed.error_message)


def test_invalid_stored_config_fails_the_run(deps, queued, store) -> None:
    run = queued()
    broken = replace(run, id=run.id[:-4] + "beef", config_json='{"topicIds": []}')
    store.insert_run(broken)
    execute_run(deps, broken.id)
    assert store.get_run(broken.id).error_code == "INVALID_CONFIG"
    assert deps.webhook_nudge.is_set()  # a failed run is an event too


def test_transient_error_requeues_and_sends_the_run_again(make_deps, store, queued, enqueue):
    run = queued()
    deps = make_deps(store, runner=raising(OSError("disk full")))
    execute_run(deps, run.id)
    again = store.get_run(run.id)
    assert (again.status, again.error_code, again.attempts) == (RunStatus.QUEUED, "INTERNAL", 1)
    assert enqueue.sent == [run.id, run.id]


def test_transient_error_on_the_last_attempt_fails_the_run(make_deps, store, queued) -> None:
    run = queued()
    deps = make_deps(store, runner=raising(OSError("disk full")), settings={"max_attempts": 1})
    execute_run(deps, run.id)
    assert (store.get_run(run.id).status, store.get_run(run.id).error_message) == (
        RunStatus.FAILED,
        "OSError: disk full",
    )


def test_engine_refusal_fails_the_run_without_retry(make_deps, store, queued) -> None:
    run = queued()
    deps = make_deps(store, runner=raising(EngineError("backends disagree")))
    execute_run(deps, run.id)
    assert (store.get_run(run.id).status, store.get_run(run.id).error_code) == (
        RunStatus.FAILED,
        "INTERNAL",
    )


def test_attempt_that_lost_its_lease_does_not_complete(make_deps, store, queued, clock) -> None:
    run = queued()

    def outlived(order):
        clock.advance(deps.settings.lease_seconds + 1)
        reconcile_once(deps, clock())  # the worker looked dead: attempt 1 was recovered
        return publish_tiny(order)

    deps = make_deps(store, runner=InlineRunner(outlived))
    execute_run(deps, run.id)
    after = store.get_run(run.id)
    assert (after.status, after.attempts, after.error_code) == (
        RunStatus.QUEUED,
        1,
        "WORKER_LOST",
    )


def test_run_of_a_dead_worker_completes_on_its_next_attempt(deps, queued, store) -> None:
    run = queued()
    lease = deps.clock.advance(0)
    store.claim_run(run.id, deps.clock(), lease)  # a worker claims it, then dies
    deps.clock.advance(1)
    reconcile_once(deps, deps.clock())
    execute_run(deps, run.id)
    done = store.get_run(run.id)
    assert (done.status, done.attempts, done.error_code) == (RunStatus.COMPLETED, 2, None)


def test_run_past_its_time_limit_fails_with_timeout_and_leaves_no_snapshot(
    make_deps, memory_store, make_audience_on, tmp_path
) -> None:
    deps = make_deps(
        memory_store,
        runner=ChildRunner(targets.hang, preload=("tests.jobs.targets",)),
        settings={"run_time_limit_seconds": 1},
    )
    run = submit_run(
        deps,
        audience=make_audience_on(memory_store)(),
        run_type=RunType.MANUAL,
        data_date=None,
        now=deps.clock(),
    )
    execute_run(deps, run.id)
    failed = memory_store.get_run(run.id)
    assert (failed.status, failed.error_code) == (RunStatus.FAILED, "TIMEOUT")
    assert not deps.snapshots.path_of(snapshot_key(run)).exists()


def test_run_materialized_in_a_child_process_publishes_its_results(
    make_deps, memory_store, make_audience_on
) -> None:
    deps = make_deps(memory_store, runner=ChildRunner(produce_snapshot, preload=RUN_PRELOAD))
    audience = make_audience_on(memory_store)(config={"topicIds": [1, 2], "minTopicOverlap": 2})
    run = submit_run(
        deps, audience=audience, run_type=RunType.MANUAL, data_date=None, now=deps.clock()
    )
    execute_run(deps, run.id)
    done = memory_store.get_run(run.id)
    table = pq.read_table(Path(done.snapshot_path) / "results.parquet")
    assert done.status == RunStatus.COMPLETED
    assert table.num_rows == done.result_count > 0
    assert set(table.column("intent").combine_chunks().field("topicOverlap").to_pylist()) == {2}


def test_a_run_stores_its_diff_against_the_audience_run_of_the_previous_date(
    make_deps, memory_store, make_audience_on
) -> None:
    deps = make_deps(memory_store, runner=InlineRunner(produce_snapshot))
    make = make_audience_on(memory_store)
    audience, other = make(config={"topicIds": [1, 2, 3]}), make(config={"topicIds": [1]})
    runs = {}
    for name, parent, day in (
        ("first", audience, DATES[0]),
        ("other", other, DATES[1]),  # another audience's run is never the previous one
        ("second", audience, DATES[1]),
        ("same day", audience, DATES[1]),  # a run of the same date is not the previous one
    ):
        run = submit_run(
            deps, audience=parent, run_type=RunType.MANUAL, data_date=day, now=deps.clock()
        )
        execute_run(deps, run.id)
        runs[name] = memory_store.get_run(run.id)
    manifest = deps.snapshots.read_manifest(Path(runs["second"].snapshot_path))
    newer = deps.snapshots.open_results(Path(runs["second"].snapshot_path))
    older = deps.snapshots.open_results(Path(runs["first"].snapshot_path))
    diff = diff_snapshots(newer, older)
    assert runs["second"].result_count > 0
    assert manifest["diffPrevious"] == {
        "runId": runs["first"].id,
        "entered": len(diff.entered),
        "exited": len(diff.exited),
        "stayed": diff.stayed,
    }
    assert "diffPrevious" not in deps.snapshots.read_manifest(Path(runs["first"].snapshot_path))
    same_day = deps.snapshots.read_manifest(Path(runs["same day"].snapshot_path))
    assert same_day["diffPrevious"]["runId"] == runs["first"].id
