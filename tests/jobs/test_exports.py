"""ensure_export and the export actor: one stored export per run and format, queued once, built
under a lease beside the run's snapshot, one file whatever attempt publishes it."""

import dataclasses
import hashlib
import json
import threading
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from data.metadata.models import OrgId
from engine.states import RunType
from jobs.actors import BrokerExportEnqueue, declare_actors
from jobs.broker import make_broker
from jobs.errors import RunNotCompleted
from jobs.execute import execute_run
from jobs.exports import build_queued_export, ensure_export, export_path, new_export
from jobs.produce import produce_snapshot
from jobs.reconciler import reconcile_once
from jobs.submit import submit_run
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint, record_events
from jobs.wire import export_out
from jobs.work import InlineRunner
from jobs.worker import start_worker


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


def test_export_never_sent_is_built_after_the_reconciler_sends_it(deps, completed) -> None:
    snapshot = Path(completed.snapshot_path)
    stuck = new_export(completed, "csv", export_path(snapshot, "csv"), deps.clock())
    deps.store.create_export(stuck)
    deps.clock.advance(2 * deps.settings.tick_seconds + 1)
    assert reconcile_once(deps, deps.clock()).exports_resent == [stuck.id]
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (export.id, created, export.status) == (stuck.id, False, "completed")


@pytest.fixture
def queued(deps, completed):
    """deps whose export builds go to a recording broker, and the ids sent."""
    sent = []
    return dataclasses.replace(deps, enqueue_export=sent.append), sent


def test_a_new_export_is_queued_processing_and_built_by_the_actor(queued, completed) -> None:
    deps, sent = queued
    export, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (created, export.status, sent) == (True, "processing", [export.id])
    again, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (again.id, again.status, created, sent) == (export.id, "processing", False, [export.id])
    built = build_queued_export(deps, export.id)
    assert (built.status, built.attempts, built.row_count) == (
        "completed",
        1,
        completed.result_count,
    )
    assert deps.store.get_export(export.id) == built
    assert [p.name for p in Path(export.path).parent.iterdir()] == ["results.csv"]


def test_a_finished_export_is_not_built_again(queued, completed) -> None:
    deps, _ = queued
    export, _ = ensure_export(deps, completed, "csv", deps.clock())
    build_queued_export(deps, export.id)
    assert build_queued_export(deps, export.id) is None


def test_a_build_held_by_a_live_attempt_is_left_to_it(queued, completed) -> None:
    deps, _ = queued
    export, _ = ensure_export(deps, completed, "csv", deps.clock())
    now = deps.clock()
    assert deps.store.claim_export(export, now, now + timedelta(seconds=30))
    assert build_queued_export(deps, export.id) is None
    assert deps.store.get_export(export.id).status == "processing"


def test_after_a_dead_attempt_the_next_one_publishes_one_file(queued, completed) -> None:
    deps, sent = queued
    export, _ = ensure_export(deps, completed, "csv", deps.clock())
    now = deps.clock()
    assert deps.store.claim_export(export, now, now + timedelta(seconds=30))  # then it dies
    out = Path(export.path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_name(".results.csv.1.partial").write_bytes(b"half a file")
    deps.clock.advance(31)
    assert reconcile_once(deps, deps.clock()).exports_resent == [export.id]
    assert sent == [export.id, export.id]
    built = build_queued_export(deps, export.id)
    assert (built.status, built.attempts) == ("completed", 2)
    assert [p.name for p in out.parent.iterdir()] == ["results.csv"]
    assert hashlib.sha256(out.read_bytes()).hexdigest() == built.sha256


def test_an_export_whose_last_attempt_died_fails_with_worker_lost(queued, completed) -> None:
    deps, _ = queued
    export, _ = ensure_export(deps, completed, "csv", deps.clock())
    for _attempt in range(deps.settings.max_attempts):
        now = deps.clock()
        current = deps.store.get_export(export.id)
        assert deps.store.claim_export(current, now, now + timedelta(seconds=30))
        deps.clock.advance(31)
    assert build_queued_export(deps, export.id) is None  # out of attempts
    assert reconcile_once(deps, deps.clock()).exports_failed == [export.id]
    failed = deps.store.get_export(export.id)
    assert (failed.status, failed.error_code) == ("failed", "WORKER_LOST")
    again, created = ensure_export(deps, completed, "csv", deps.clock())
    assert (again.id, again.status, again.attempts, created) == (export.id, "processing", 0, True)


def test_the_in_process_broker_and_worker_build_a_queued_export(deps, completed) -> None:
    """What `intent serve` without a broker does: its embedded worker builds the export."""
    broker = make_broker(deps.settings)
    deps = dataclasses.replace(
        deps, enqueue_export=BrokerExportEnqueue(broker, deps.settings.queue_name)
    )
    declare_actors(broker, deps)
    worker = start_worker(broker, 1)
    try:
        export, _ = ensure_export(deps, completed, "csv", deps.clock())
        broker.join(deps.settings.queue_name)
        worker.join()
    finally:
        worker.stop()
    built = deps.store.get_export(export.id)
    assert (built.status, built.attempts) == ("completed", 1)


def test_an_export_built_by_the_actor_is_announced_as_export_completed(queued, completed) -> None:
    deps, _ = queued
    org = OrgId(completed.organization_id)
    create_endpoint(deps.store, org, "https://hooks.example.com/x", ["export.completed"],
                    deps.clock(), UrlGuard(allow_private=True))  # fmt: skip
    deps.clock.advance(1)
    export, _ = ensure_export(deps, completed, "csv", deps.clock())
    assert record_events(deps, deps.clock()) == []  # still processing
    deps.webhook_nudge.clear()
    build_queued_export(deps, export.id)
    assert deps.webhook_nudge.is_set()  # the sender of this process goes at once
    [delivery] = record_events(deps, deps.clock())
    assert (delivery.event_type, delivery.subject_id) == ("export.completed", export.id)
    shown = json.loads(delivery.body)["data"]
    assert shown == msgspec.to_builtins(export_out(deps.store.get_export(export.id)))
    assert {"expiresAt", "storageProvider", "bucket", "fileName", "errorCode"} <= set(shown)
