"""`intent worker` (runs from the Redis or RabbitMQ queue) and `intent scheduler` (the reconcile
and daily-schedule loop). SIGTERM or SIGINT stops either gracefully; a second one stops at once."""

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from cli.errors import CliError
from jobs.errors import JobError
from jobs.logs import configure_logging
from jobs.services import connect
from jobs.settings import Settings, SettingsError
from jobs.worker import MetricsAddress, metrics_served, serve_worker


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    worker = commands.add_parser(
        "worker", help="run audience runs from the broker queue (INTENT_BROKER_URL)"
    )
    worker.add_argument(
        "--threads", type=int, help="runs at a time (default: INTENT_WORKER_THREADS)"
    )
    _metrics_arguments(worker, "run durations, exported bytes and S3 requests")
    worker.set_defaults(handler=run_worker)
    scheduler = commands.add_parser(
        "scheduler", help="reconcile lost runs and create daily runs every INTENT_TICK_SECONDS"
    )
    _metrics_arguments(scheduler, "webhook delivery times")
    scheduler.set_defaults(handler=run_scheduler)


def _metrics_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--metrics-port",
        type=int,
        help=f"serve this process's metrics ({what}) at http://HOST:PORT/metrics "
        "(default: none; INTENT_METRICS_TOKEN applies)",
    )
    parser.add_argument(
        "--metrics-host",
        default="127.0.0.1",
        help="address the metrics port listens on (default: 127.0.0.1; 0.0.0.0 for every one)",
    )


def run_worker(args: argparse.Namespace) -> int:
    settings = _broker_settings("worker")
    threads = args.threads or settings.worker_threads
    if threads < 1:
        raise CliError(f"--threads must be at least 1, got {threads}")
    metrics = _metrics_address(args)
    _serve(settings, lambda stop: serve_worker(settings, threads, stop, metrics=metrics))
    return 0


def run_scheduler(args: argparse.Namespace) -> int:
    from jobs.loop import run_loop  # the scheduler's loop: a worker does not import it

    settings = _broker_settings("scheduler")
    metrics = _metrics_address(args)

    def body(stop: threading.Event) -> None:
        deps = connect(settings).deps
        with metrics_served(deps, metrics):
            run_loop(deps, stop)

    _serve(settings, body)
    return 0


def _metrics_address(args: argparse.Namespace) -> MetricsAddress | None:
    if args.metrics_port is None:
        return None
    if not 0 < args.metrics_port < 65536:
        raise CliError(f"--metrics-port must be between 1 and 65535, got {args.metrics_port}")
    return MetricsAddress(args.metrics_host, args.metrics_port)


def _broker_settings(command: str) -> Settings:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc
    if settings.embedded:
        raise CliError(
            f"intent {command} needs INTENT_BROKER_URL (redis://... or amqp://...); "
            "without a broker, `intent serve` runs the workers and the scheduler itself"
        )
    return settings


def _serve(settings: Settings, body: Callable[[threading.Event], None]) -> None:
    configure_logging(settings.log_format)
    stop = threading.Event()
    _on_stop_signals(stop)
    try:
        body(stop)
    except JobError as exc:
        raise CliError(str(exc), exit_code=1) from exc


def _on_stop_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now; leases recover the runs
        logging.getLogger(__name__).info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
