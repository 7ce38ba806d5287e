"""`intent serve`: the API, and with no INTENT_BROKER_URL the workers and scheduler beside it.

SIGTERM or SIGINT stops it gracefully: the server stops accepting and finishes its requests, then
running attempts finish and the threads stop. A second signal stops at once.
"""

import argparse
import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa

from cli.datasets import local_dataset, open_dataset
from cli.demo_data import ensure_dataset
from cli.errors import CliError
from cli.http_server import HttpServer, serve_processes
from cli.system import APP_FACTORY, System, build_system, freeze_start_up
from data.errors import StorageError
from data.snapshots import open_snapshot_store
from data.storage import is_remote
from jobs.errors import JobError
from jobs.logs import configure_logging
from jobs.settings import Settings, SettingsError

log = logging.getLogger("intent.serve")


def register(commands: "argparse._SubParsersAction[Any]") -> None:
    """Add this module's commands to `commands`; each sets `handler`."""
    serve = commands.add_parser(
        "serve",
        help="serve the API (and, without INTENT_BROKER_URL, run the workers in-process)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes sharing the port (1); more than one needs INTENT_BROKER_URL",
    )
    serve.add_argument(
        "--access-log",
        action="store_true",
        help="log a line per request (off: it costs ~10%% of the server's CPU under load)",
    )
    serve.add_argument(
        "--demo-data",
        action="store_true",
        help="generate a small dataset first when INTENT_DATASET has none",
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.log_format)
    if args.demo_data or not is_remote(settings.dataset):
        dataset = local_dataset(settings.dataset)
        ensure_dataset(dataset, generate_missing=args.demo_data, echo=_to_stderr)
    else:
        open_dataset(settings.dataset)  # a missing bucket or refused credentials stop here
    check_snapshots(settings)
    if args.workers != 1:
        return _serve_processes(settings, args)
    system = _build(settings)
    server = HttpServer(
        system.app,
        args.host,
        args.port,
        access_log=args.access_log,
        header_timeout=settings.header_timeout_seconds,
    )
    stop = threading.Event()
    _stop_on_signals(stop)
    server.start()  # first: a port in use stops here, before any worker starts
    system.start()
    freeze_start_up()
    log.info("serving on %s (docs at %s/schema)", server.url, server.url)
    try:
        while server.is_running() and not stop.wait(0.5):
            pass  # the server thread ends by itself only when it fails
    finally:
        server.stop()
        log.info("stopping: waiting for running attempts to finish")
        system.stop()
    return 0


def check_snapshots(settings: Settings) -> None:
    """Snapshots in a bucket that cannot be used stop `serve` here, naming the bucket."""
    if not is_remote(settings.snapshots):
        return
    try:
        open_snapshot_store(settings.snapshots, settings.s3).check()
    except StorageError as exc:
        raise CliError(f"snapshots {settings.snapshots}: {exc}", exit_code=1) from None


def _serve_processes(settings: Settings, args: argparse.Namespace) -> int:
    """`--workers N`: N API processes on one port. Only with a broker: without one, the workers
    and the scheduler live in the API process, and N processes would each run their own, every
    run going to the process that queued it."""
    if args.workers < 1:
        raise CliError(f"--workers must be at least 1, got {args.workers}")
    if settings.embedded:
        raise CliError("--workers above 1 needs INTENT_BROKER_URL (a Redis or RabbitMQ broker)")
    _build(settings).stop()  # migrations once, before the processes race to apply them
    if not settings.broker_url.startswith(("redis://", "rediss://")):
        log.warning(
            "rate limits are counted in each process without a Redis broker: "
            "each key gets up to %d times its budget",
            args.workers,
        )
    log.info("serving on %s:%d with %d processes", args.host, args.port, args.workers)
    with shared_metrics_dir(settings):
        serve_processes(
            APP_FACTORY,
            args.host,
            args.port,
            args.workers,
            access_log=args.access_log,
            header_timeout=settings.header_timeout_seconds,
        )
    return 0


@contextlib.contextmanager
def shared_metrics_dir(settings: Settings) -> Iterator[Path]:
    """The directory where the API processes keep their metrics for each other's scrapes
    (prometheus_client's multiprocess mode): PROMETHEUS_MULTIPROC_DIR emptied of an earlier
    start's files, or a new directory removed afterwards. The processes it starts inherit it."""
    if settings.metrics_dir is not None:
        settings.metrics_dir.mkdir(parents=True, exist_ok=True)
        for stale in settings.metrics_dir.glob("*.db"):
            stale.unlink()
        yield settings.metrics_dir
        return
    with tempfile.TemporaryDirectory(prefix="intent-metrics-") as made:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
        try:
            yield Path(made)
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _build(settings: Settings) -> System:
    try:
        system = build_system(settings)
    except (JobError, sa.exc.SQLAlchemyError) as exc:
        raise CliError(f"cannot start: {exc}", exit_code=1) from exc
    mode = "embedded workers and scheduler" if system.runtime else f"broker {settings.queue_name}"
    log.info("database ready; dataset %s; %s", settings.dataset, mode)
    return system


def _to_stderr(text: str) -> None:
    """Before the app exists: it configures logging once built."""
    print(text, file=sys.stderr, flush=True)


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop now; leases recover the runs
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
