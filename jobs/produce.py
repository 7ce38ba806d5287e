"""The work of one attempt, as run inside the child process: materialize, stats, publish.

Imported by the child process server ahead of time, so the engine libraries load only once.
"""

from functools import partial

from data import s3_requests
from data.snapshots import SnapshotRef
from engine.materialize import materialize
from engine.progress import stages_to
from engine.stats import compute_stats
from jobs.isolation import tell_parent
from jobs.progress import RunStage, engine_stage_ended, report
from jobs.work import WorkOrder


def produce_snapshot(order: WorkOrder) -> SnapshotRef:
    """Materialize the run and publish its snapshot (an existing one of the run is returned),
    with the diff against the previous run, reporting each stage as it starts. In a child
    process, the S3 requests it made go to the parent at the end, whatever the outcome."""
    try:
        return _produce(order)
    finally:
        tell_parent(s3_requests.take())


def _produce(order: WorkOrder) -> SnapshotRef:
    report(RunStage.CANDIDATES)
    with stages_to(engine_stage_ended):
        result = materialize(
            order.inputs,
            order.config,
            order.backend,
            threads=order.threads,
            memory_limit=order.memory_limit,
        )
    report(RunStage.WRITING)
    return order.snapshots.publish(
        order.key,
        result,
        attempt=order.attempt,
        stats=partial(compute_stats, result.table),  # computed while results.parquet is written
        manifest_extra=order.manifest_extra,
        previous=order.previous,
    )
