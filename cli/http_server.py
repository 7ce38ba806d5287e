"""The HTTP server of `intent serve` and `intent demo`: uvicorn running an ASGI app in a thread,
or in several processes sharing one port.

A thread, not the main loop, so that the caller owns the signals and can stop the server first
and the embedded workers after it.
"""

import threading
import time
from typing import Any, Final

import uvicorn
from litestar import Litestar

from cli.errors import CliError
from cli.http_protocol import header_deadline_protocol

START_TIMEOUT_SECONDS: Final = 30.0
GRACEFUL_SECONDS: Final = 30  # in-flight requests (long exports) get this long to finish
OPTIONS: Final[dict[str, Any]] = {
    "lifespan": "on",
    "loop": "uvloop",  # libuv's event loop, in C
    "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    # The client and scheme stay those of the connection: the API believes forwarding headers
    # only from INTENT_TRUSTED_PROXIES (api.links), where uvicorn would trust 127.0.0.1.
    "proxy_headers": False,
    "log_config": None,  # uvicorn's loggers propagate to the root, set up by jobs.logs
}


def _options(header_timeout: float) -> dict[str, Any]:
    """OPTIONS and uvicorn's C HTTP parser (its fallback, h11, is pure Python), with a deadline
    of `header_timeout` seconds for headers."""
    return {**OPTIONS, "http": header_deadline_protocol(header_timeout)}


def serve_processes(
    app_factory: str,
    host: str,
    port: int,
    workers: int,
    *,
    header_timeout: float,
    access_log: bool = False,
) -> None:
    """Serve the app that `app_factory` ("module:function") builds in each of `workers`
    processes, all accepting on one socket; SIGTERM or SIGINT stops them all gracefully.
    `header_timeout`: seconds a request's headers may take before the connection is dropped."""
    uvicorn.run(
        app_factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        **_options(header_timeout),
    )


class HttpServer:
    """`start()` returns once the socket listens; `stop()` stops accepting, lets requests end."""

    def __init__(
        self,
        app: Litestar,
        host: str,
        port: int,
        *,
        header_timeout: float,
        quiet: bool = False,
        access_log: bool = False,
    ) -> None:
        """`quiet`: warnings only; `access_log`: a line per request (unless quiet);
        `header_timeout`: seconds a request's headers may take before the connection is dropped."""
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            access_log=access_log and not quiet,
            log_level="warning" if quiet else "info",
            **_options(header_timeout),
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="intent-http", daemon=True)
        self.host = host

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise CliError(f"cannot listen on {self.host}:{self._server.config.port}", 1)
            time.sleep(0.05)

    @property
    def port(self) -> int:
        """The bound port (the one the system picked when asked for port 0)."""
        port: int = self._server.servers[0].sockets[0].getsockname()[1]
        return port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()
