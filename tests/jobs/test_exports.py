"""ensure_export: one stored export per run and format, built beside the run's snapshot."""

import hashlib
import threading
from pathlib import Path

import pytest

from engine.states import RunType
from jobs.errors import RunNotCompleted
from jobs.execute import execute_run
from jobs.exports import EXPORT_BUILD_LIMIT, ensure_export, export_path, new_export
from jobs.produce import produce_snapshot
from jobs.reconciler import reconcile_once
from jobs.submit import submit_run
from jobs.work import InlineRunner


@pytest.fixture
def deps(make_deps, store):
    return make_deps(store, runner=InlineRunner(produce_snapshot))


@pytest.fixture
def completed(deps, make_audience):
    run = submit_run(
        deps, audience=make_audience(), run_type=RunType.MANUAL, data_date=None, now=deps.clock()
    )
    execute_run(deps, run.id)
    return deps.store.get_run(run.id)


def test_first_export_of_a_run_is_built_and_stored(deps, completed) -> None:
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    content = Path(export.path).read_bytes()
    assert created
    assert (export.status, export.row_count) == ("completed", completed.result_count)
    assert (export.sha256, export.byte_size) == (hashlib.sha256(content).hexdigest(), len(content))


def test_export_file_lives_beside_the_snapshot_not_inside_it(deps, completed) -> None:
    export, _ = ensure_export(deps, completed, "jsonl", deps.clock())
    snapshot = Path(completed.snapshot_path)
    assert Path(export.path).parent == snapshot.with_name(f"{snapshot.name}.exports")


def test_second_request_reuses_the_stored_export(deps, completed) -> None:
    first, _ = ensure_export(deps, completed, "parquet", deps.clock())
    again, created = ensure_export(deps, completed, "parquet", deps.clock())
    assert (again.id, created) == (first.id, False)


def test_each_format_gets_its_own_export(deps, completed) -> None:
    ids = {ensure_export(deps, completed, fmt, deps.clock())[0].id for fmt in ("csv", "jsonl")}
    assert len(ids) == 2


def test_concurrent_requests_build_one_export(deps, completed) -> None:
    results = []
    start = threading.Barrier(2)

    def request():
        start.wait()
        results.append(ensure_export(deps, completed, "csv", deps.clock()))

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created for _, created in results) == [False, True]
    assert len({export.id for export, _ in results}) == 1


def test_export_of_a_run_without_snapshot_is_refused(deps, make_audience) -> None:
    run = submit_run(
        deps, audience=make_audience(), run_type=RunType.MANUAL, data_date=None, now=deps.clock()
    )
    with pytest.raises(RunNotCompleted):
        ensure_export(deps, run, "csv", deps.clock())


def test_export_that_cannot_be_built_is_stored_failed(deps, completed) -> None:
    (Path(completed.snapshot_path) / "results.parquet").unlink()
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (created, export.status, export.error_code) == (True, "failed", "INTERNAL")
    assert deps.store.find_export(completed.id, "csv").status == "failed"


def test_export_whose_build_failed_is_rebuilt_by_the_next_request(deps, completed) -> None:
    results = Path(completed.snapshot_path) / "results.parquet"
    kept = results.rename(results.with_name("kept.parquet"))
    failed, _ = ensure_export(deps, completed, "csv", deps.clock())
    kept.rename(results)
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (export.id, created, export.status) == (failed.id, True, "completed")
    assert (export.error_code, export.row_count) == (None, completed.result_count)


def test_export_left_processing_by_a_dead_process_is_rebuilt_after_the_reconciler(
    deps, completed
) -> None:
    snapshot = Path(completed.snapshot_path)
    stuck = new_export(completed, "csv", export_path(snapshot, "csv"), deps.clock())
    deps.store.create_export(stuck)
    deps.clock.advance(EXPORT_BUILD_LIMIT.total_seconds() + 1)
    reconcile_once(deps, deps.clock())
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (export.id, created, export.status) == (stuck.id, True, "completed")
