"""The served system: the API app on the job services and, with no broker configured, the
worker threads and scheduler loop that run inside the same process (the embedded mode)."""

import gc
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from litestar import Litestar

from api.app import create_app
from cli.priority import start_in_background
from engine.backends import preload_backends
from jobs.embedded import EmbeddedRuntime
from jobs.logs import configure_logging
from jobs.services import Services, connect
from jobs.settings import Settings

APP_FACTORY: Final = "cli.system:serve_app"  # what each process of `serve --workers N` runs
DEFAULT_PORTS: Final = {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671}
CONNECT_TIMEOUT_SECONDS: Final = 2.0
SUPERVISOR_CHECK_SECONDS: Final = 1.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class System:
    app: Litestar
    services: Services
    runtime: EmbeddedRuntime | None  # None when workers are separate `intent worker` processes

    def start(self) -> None:
        """Start the embedded workers and scheduler below the API's CPU priority."""
        if self.runtime is not None:
            start_in_background(self.runtime.start)

    def stop(self) -> None:
        """Stop the scheduler, let running attempts finish, then close the broker."""
        if self.runtime is not None:
            self.runtime.stop()
        self.services.broker.close()


def build_system(settings: Settings) -> System:
    """Connecting applies pending migrations; nothing runs until `start()`. The backends are
    imported here, not by the first preview."""
    preload_backends()
    services = connect(settings)
    broker_check = None if settings.embedded else broker_reachable(settings.broker_url)
    app = create_app(
        settings,
        services.deps,
        broker_check=broker_check,
        page_cache_bytes=settings.page_cache_bytes,
    )
    runtime = EmbeddedRuntime(services.deps, settings) if settings.embedded else None
    return System(app, services, runtime)


def serve_app() -> Litestar:
    """The app of one process of `intent serve --workers N`, from the environment's settings;
    only with a broker (no embedded runtime), which it closes when the server stops."""
    settings = Settings.from_env()
    configure_logging(settings.log_format)
    system = build_system(settings)
    system.app.on_shutdown.append(system.stop)
    stop_with_supervisor(os.getppid())
    freeze_start_up()
    return system.app


def stop_with_supervisor(supervisor: int, every: float = SUPERVISOR_CHECK_SECONDS) -> None:
    """Stop this process gracefully (SIGTERM to itself) once `supervisor`, the process that
    started it, is gone: a supervisor killed outright (SIGKILL, the OOM killer) cannot stop its
    API processes, which would otherwise go on serving the port it opened. The check is
    gunicorn's for its workers: the parent process id changes when the parent dies."""

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(every)
        log.warning("the supervising process %d is gone: stopping", supervisor)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="intent-supervisor-watch", daemon=True).start()


def freeze_start_up() -> None:
    """What start-up built (modules, app, stores: ~170k objects) lives as long as the process:
    collected once, then frozen, a full collection no longer walks it (~80 ms each time here,
    with no request served meanwhile)."""
    gc.collect()
    gc.freeze()


def broker_reachable(url: str) -> Callable[[], None]:
    """A readiness check that connects to the broker's host and port."""
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS.get(parts.scheme, 0))

    def check() -> None:
        with socket.create_connection(address, timeout=CONNECT_TIMEOUT_SECONDS):
            pass

    return check
