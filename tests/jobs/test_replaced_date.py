"""A run whose data date is replaced in the bucket while it runs: it reads the version it resolved,
whole, and completes with its results (never DATA_NOT_AVAILABLE, never rows of both versions)."""

import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from data.catalog import DatasetCatalog
from data.ingest import IngestRequest
from data.metadata.models import Audience, Run
from data.snapshots import SnapshotRef
from data.storage import open_store
from data.store_catalog import StoreCatalog
from data.store_dataset import ingest_into_store, publish
from engine.states import RunStatus, RunType
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.submit import submit_run
from jobs.work import InlineRunner, WorkOrder
from tests import services
from tests.jobs.factories import DATES

DAY = DATES[-1]


def run_on(deps: JobDeps, audience: Audience, day: str) -> Run:
    run = submit_run(
        deps, audience=audience, run_type=RunType.MANUAL, data_date=day, now=deps.clock()
    )
    execute_run(deps, run.id)
    done = deps.store.get_run(run.id)
    assert done is not None
    return done


def results(run: Run) -> pa.Table:
    assert run.status == RunStatus.COMPLETED, run.error_message
    return pq.read_table(Path(str(run.snapshot_path)) / "results.parquet").select(["personId"])


def test_a_run_whose_date_is_replaced_while_it_runs_completes_on_the_version_it_resolved(
    make_deps, memory_store, make_audience_on, dataset, s3_bucket, tmp_path
) -> None:
    stored = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}/dataset", services.S3)
    publish(dataset, stored)
    local = DatasetCatalog(dataset)
    other_rows = Path(local.resolve(DATES[0]).intent_files[0])
    replace = IngestRequest(dataset=tmp_path, data_date=DAY, intent=other_rows, replace=True)

    def replace_then_produce(order: WorkOrder) -> SnapshotRef:  # the date is resolved already
        ingest_into_store(stored, replace)
        return produce_snapshot(order)

    audience = make_audience_on(memory_store)(config={"topicIds": [1, 2, 3]})
    on_disk = make_deps(memory_store, runner=InlineRunner(produce_snapshot))
    old, new = results(run_on(on_disk, audience, DAY)), results(run_on(on_disk, audience, DATES[0]))
    assert not old.equals(new)

    racing = make_deps(
        memory_store, catalog=StoreCatalog(stored), runner=InlineRunner(replace_then_produce)
    )
    raced = run_on(racing, audience, DAY)
    assert results(raced).equals(old)
    after = make_deps(
        memory_store, catalog=StoreCatalog(stored), runner=InlineRunner(produce_snapshot)
    )
    assert results(run_on(after, audience, DAY)).equals(new)
