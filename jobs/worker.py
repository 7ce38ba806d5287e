"""A Dramatiq worker for the run queue, and the `intent worker` process around it.

Prefetch equals the worker threads: a message waits in the broker, not in a busy process, so
an idle worker elsewhere can take it. A stop request lets running attempts finish.
"""

import logging
import threading

from dramatiq import Broker, Worker

from jobs.isolation import warm_up
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


def serve_worker(settings: Settings, threads: int, stop: threading.Event) -> None:
    """Consume runs until `stop` is set, then finish running attempts and close the broker."""
    services = connect(settings)
    warm_up(RUN_PRELOAD, child_env(settings))
    worker = start_worker(services.broker, threads)
    log.info("worker consuming %s with %d threads", settings.queue_name, threads)
    stop.wait()
    log.info("stopping: waiting for running attempts to finish")
    worker.stop(timeout=settings.run_time_limit_seconds * 1000)
    services.broker.close()
