"""uvicorn's httptools protocol with a deadline for request headers.

uvicorn times only idle keep-alive connections: a client that connects and sends nothing, or
sends headers a byte at a time, holds a connection for as long as it likes. Here every request's
headers must be complete within `header_timeout` seconds (INTENT_HEADER_TIMEOUT_SECONDS) of the
connection opening or the request starting; bodies have their own limit in the app
(`INTENT_BODY_TIMEOUT_SECONDS`).
"""

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderDeadlineProtocol(HttpToolsProtocol):  # type: ignore[misc]
    """Built by uvicorn for each connection, with the keyword arguments of its server config."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # header_timeout is checked once, by the factory below
        self.header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_deadline = self.loop.call_later(self.header_timeout, self._drop)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _drop(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def header_deadline_protocol(header_timeout: float) -> "functools.partial[HeaderDeadlineProtocol]":
    """The protocol factory for uvicorn's `http` option. A partial of a module-level class, so
    that it pickles: `--workers N` sends the server config to each process it spawns."""
    if header_timeout <= 0:
        raise ValueError(f"header_timeout must be above 0 seconds, got {header_timeout}")
    return functools.partial(HeaderDeadlineProtocol, header_timeout=header_timeout)
