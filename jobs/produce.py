"""The work of one attempt, as run inside the child process: materialize, stats, publish.

Imported by the child process server ahead of time, so the engine libraries load only once.
"""

from functools import partial

from data.snapshots import SnapshotRef
from engine.materialize import materialize
from engine.stats import compute_stats
from jobs.work import WorkOrder


def produce_snapshot(order: WorkOrder) -> SnapshotRef:
    """Materialize the run and publish its snapshot (an existing one of the run is returned)."""
    result = materialize(
        order.inputs,
        order.config,
        order.backend,
        threads=order.threads,
        memory_limit=order.memory_limit,
    )
    return order.snapshots.publish(
        order.key,
        result,
        attempt=order.attempt,
        stats=partial(compute_stats, result.table),  # computed while results.parquet is written
        manifest_extra=order.manifest_extra,
    )
