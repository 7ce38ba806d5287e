"""The served system: the API app on the job services and, with no broker configured, the
worker threads and scheduler loop that run inside the same process (the embedded mode)."""

import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from litestar import Litestar

from api.app import create_app
from jobs.embedded import EmbeddedRuntime
from jobs.services import Services, connect
from jobs.settings import Settings

DEFAULT_PORTS: Final = {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671}
CONNECT_TIMEOUT_SECONDS: Final = 2.0


@dataclass(frozen=True)
class System:
    app: Litestar
    services: Services
    runtime: EmbeddedRuntime | None  # None when workers are separate `intent worker` processes

    def start(self) -> None:
        if self.runtime is not None:
            self.runtime.start()

    def stop(self) -> None:
        """Stop the scheduler, let running attempts finish, then close the broker."""
        if self.runtime is not None:
            self.runtime.stop()
        self.services.broker.close()


def build_system(settings: Settings) -> System:
    """Connecting applies pending migrations; nothing runs until `start()`."""
    services = connect(settings)
    broker_check = None if settings.embedded else broker_reachable(settings.broker_url)
    app = create_app(settings, services.deps, broker_check=broker_check)
    runtime = EmbeddedRuntime(services.deps, settings) if settings.embedded else None
    return System(app, services, runtime)


def broker_reachable(url: str) -> Callable[[], None]:
    """A readiness check that connects to the broker's host and port."""
    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS.get(parts.scheme, 0))

    def check() -> None:
        with socket.create_connection(address, timeout=CONNECT_TIMEOUT_SECONDS):
            pass

    return check
