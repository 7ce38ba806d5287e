"""The work order of one run attempt and the runners that carry it out.

A `WorkOrder` holds plain values only, so the work can run in a child process (`ChildRunner`,
killable at the time limit; what workers use) or in the calling thread (`InlineRunner`, tests).
Either way, the stages the work reports (`jobs.progress.report`) reach the runner's `progress`.
"""

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from data import s3_requests
from data.metadata.models import Run
from data.snapshots import SnapshotKey, SnapshotRef, SnapshotStore
from data.snapshots.store import PreviousRun
from engine.config import AudienceConfig
from engine.schema import MaterializeInput
from jobs.isolation import child_context, run_in_child
from jobs.progress import Listener, reporting_to
from jobs.settings import Settings


@dataclass(frozen=True)
class WorkOrder:
    key: SnapshotKey
    attempt: int
    inputs: MaterializeInput
    config: AudienceConfig
    backend: str
    threads: int  # engine threads for this run
    memory_limit: str  # DuckDB memory limit for this run's process, e.g. "4GB"
    snapshots: SnapshotStore
    manifest_extra: dict[str, Any]
    previous: PreviousRun | None = None  # the run whose diff is stored with the snapshot


def snapshot_key(run: Run) -> SnapshotKey:
    return SnapshotKey(run.organization_id, run.audience_id, run.id)


def threads_per_run(configured: int | None, worker_threads: int) -> int:
    """Engine threads for one run: as configured, else this machine's cores shared by the
    `worker_threads` runs that may compute at once (at least one)."""
    if configured is not None:
        return configured
    return max(1, (os.cpu_count() or 1) // worker_threads)


def child_env(settings: Settings) -> dict[str, str]:
    """Environment of run children: Polars sizes its thread pool from it, once, at import."""
    threads = threads_per_run(settings.polars_threads, settings.worker_threads)
    return {"POLARS_MAX_THREADS": str(threads)}


class WorkRunner(Protocol):
    def __call__(
        self,
        order: WorkOrder,
        *,
        time_limit: float,
        cancel: threading.Event,
        progress: Listener | None = None,
    ) -> SnapshotRef:
        """The published snapshot; RunTimedOut past `time_limit`, WorkCancelled once `cancel`.
        `progress` hears each stage the work reports, in the calling thread."""
        ...


Target = Callable[[WorkOrder], SnapshotRef]


@dataclass(frozen=True)
class ChildRunner:
    """Runs the work in a child process that is killed at the time limit or on cancel."""

    target: Target
    preload: tuple[str, ...] = ()  # modules the child server imports once, before any run
    env: Mapping[str, str] = field(default_factory=dict)  # added to the children's environment

    def __call__(
        self,
        order: WorkOrder,
        *,
        time_limit: float,
        cancel: threading.Event,
        progress: Listener | None = None,
    ) -> SnapshotRef:
        context = child_context(self.preload)
        return run_in_child(
            context,
            self.target,
            order,
            time_limit=time_limit,
            cancel=cancel,
            env=self.env,
            on_message=partial(_heard, progress),
        )


def _heard(progress: Listener | None, message: object) -> None:
    """What the child said: the S3 requests it made are counted here, stages go to `progress`."""
    if isinstance(message, s3_requests.RequestCounts):
        s3_requests.add(message)
    elif progress is not None and isinstance(message, str):
        progress(message)


@dataclass(frozen=True)
class InlineRunner:
    """Runs the work in the calling thread: no isolation, and the time limit is not enforced."""

    target: Target

    def __call__(
        self,
        order: WorkOrder,
        *,
        time_limit: float,
        cancel: threading.Event,
        progress: Listener | None = None,
    ) -> SnapshotRef:
        with reporting_to(progress):
            return self.target(order)
