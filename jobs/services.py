"""The composition root of the jobs layer: store, catalog, snapshots and broker from settings.

The only place in `jobs` that picks implementations; the broker's enqueues are bound here and the
run and export actors are declared on the same broker.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from dramatiq import Broker

from data import s3_requests
from data.metadata.connect import open_store
from data.snapshots import open_snapshot_store
from data.store_catalog import open_catalog
from engine.backends import BACKEND_MODULES
from jobs.actors import BrokerEnqueue, BrokerExportEnqueue, declare_actors
from jobs.broker import make_broker
from jobs.deps import JobDeps
from jobs.errors import JobError
from jobs.produce import produce_snapshot
from jobs.settings import Settings
from jobs.work import ChildRunner, child_env

# What the child process server imports once, ahead of any run: the engine, every backend with
# its library (backends are otherwise imported by their first run), and the modules DuckDB's
# Arrow exchange imports lazily on first use (~0.5 s a run otherwise).
RUN_PRELOAD: Final = (
    produce_snapshot.__module__,
    *BACKEND_MODULES,
    "pyarrow.dataset",
    "pyarrow.pandas_compat",
)


@dataclass(frozen=True)
class Services:
    deps: JobDeps
    broker: Broker


def build_services(settings: Settings) -> JobDeps:
    """JobDeps whose enqueue sends to the broker of INTENT_BROKER_URL."""
    return connect(settings).deps


def connect(settings: Settings) -> Services:
    broker = make_broker(settings)
    deps = JobDeps(
        store=open_store(settings.database_url),
        catalog=open_catalog(settings.dataset, settings.s3),
        snapshots=open_snapshot_store(
            settings.snapshots, settings.s3, settings.snapshot_cache_bytes
        ),
        enqueue=BrokerEnqueue(broker, settings.queue_name),
        clock=utc_now,
        settings=settings,
        runner=ChildRunner(produce_snapshot, preload=RUN_PRELOAD, env=child_env(settings)),
        enqueue_export=BrokerExportEnqueue(broker, settings.queue_name),
    )
    declare_actors(broker, deps)
    s3_requests.send_to(deps.metrics.count_s3_request)  # this process's requests, its runs'
    return Services(deps, broker)


def broker_of(deps: JobDeps) -> Broker:
    """The broker that `deps.enqueue` sends to (workers consume from it)."""
    if isinstance(deps.enqueue, BrokerEnqueue):
        return deps.enqueue.broker
    raise JobError("these JobDeps were not built by build_services: they have no broker")


def utc_now() -> datetime:
    return datetime.now(UTC)
