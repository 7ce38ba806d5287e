"""What every job use case receives: stores, catalog, enqueue callable, time, settings, metrics.

Built by `jobs.services.build_services` (or by tests with fakes); nothing here picks an
implementation, and nothing here imports the broker library, so the API layer may hold one.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from data.catalog import DatasetCatalog
from data.metadata.models import ExportId, RunId
from data.metadata.store import MetadataStore
from data.snapshots import SnapshotStore
from jobs.metrics import JobMetrics
from jobs.settings import Settings
from jobs.work import WorkRunner

Clock = Callable[[], datetime]  # aware UTC datetimes


class Enqueue(Protocol):
    """Hands one run id to the broker, to be delivered after `delay_seconds`; may raise when
    the broker is down."""

    def __call__(self, run_id: RunId, delay_seconds: float = 0.0) -> None: ...


class ExportEnqueue(Protocol):
    """Hands the build of one stored export to the broker; may raise when the broker is down."""

    def __call__(self, export_id: ExportId) -> None: ...


@dataclass(frozen=True)
class JobDeps:
    store: MetadataStore
    catalog: DatasetCatalog
    snapshots: SnapshotStore
    enqueue: Enqueue
    clock: Clock
    settings: Settings
    runner: WorkRunner  # how the work of an attempt is run (a child process in workers)
    metrics: JobMetrics = field(default_factory=JobMetrics)  # what this process observes
    # where export builds go; None builds them in the calling thread (deps without a broker)
    enqueue_export: ExportEnqueue | None = None
    # set when this process ends a run or an export: the scheduler loop of the same process
    # (the embedded mode) makes its webhook pass at once instead of at its next poll
    webhook_nudge: threading.Event = field(default_factory=threading.Event)
