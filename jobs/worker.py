"""A Dramatiq worker for the run queue, and the `intent worker` process around it.

Prefetch equals the worker threads: a message waits in the broker, not in a busy process, so
an idle worker elsewhere can take it. A stop request lets running attempts finish.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import NamedTuple

from dramatiq import Broker, Worker

from jobs.deps import JobDeps
from jobs.errors import JobError
from jobs.isolation import warm_up
from jobs.metrics_http import serve_metrics
from jobs.services import RUN_PRELOAD, connect
from jobs.settings import Settings
from jobs.work import child_env

WORKER_TIMEOUT_MS = 1000  # how often idle threads wake up to notice a stop
log = logging.getLogger(__name__)


def start_worker(broker: Broker, threads: int) -> Worker:
    broker.emit_after("process_boot")  # starts the TimeLimit watchdog outside the dramatiq CLI
    worker = Worker(broker, worker_threads=threads, worker_timeout=WORKER_TIMEOUT_MS)
    worker.queue_prefetch = threads
    worker.start()
    return worker


class MetricsAddress(NamedTuple):
    host: str
    port: int


def serve_worker(
    settings: Settings,
    threads: int,
    stop: threading.Event,
    *,
    metrics: MetricsAddress | None = None,
) -> None:
    """Consume runs until `stop` is set, then finish running attempts and close the broker;
    with `metrics`, serve this process's metrics there meanwhile."""
    services = connect(settings)
    with metrics_served(services.deps, metrics):
        warm_up(RUN_PRELOAD, child_env(settings))
        worker = start_worker(services.broker, threads)
        log.info("worker consuming %s with %d threads", settings.queue_name, threads)
        stop.wait()
        log.info("stopping: waiting for running attempts to finish")
        worker.stop(timeout=settings.run_time_limit_seconds * 1000)
    services.broker.close()


@contextlib.contextmanager
def metrics_served(deps: JobDeps, address: MetricsAddress | None) -> Iterator[None]:
    """The metrics `deps` observe, served at `address` while the block runs (None: not served).
    JobError when the port cannot be listened on."""
    if address is None:
        yield
        return
    try:
        stop = serve_metrics(
            deps.metrics.registry, address.host, address.port, deps.settings.metrics_token
        )
    except OSError as exc:
        raise JobError(f"cannot serve metrics on {address.host}:{address.port}: {exc}") from None
    log.info("metrics at http://%s:%d/metrics", address.host, address.port)
    try:
        yield
    finally:
        stop()
