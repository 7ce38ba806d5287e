"""A local HTTP receiver for webhook tests: records each request and answers from a script."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int]  # answered in turn; the last one repeats
    requests: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # hold requests until set
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def receiver(statuses: list[int], *, hold: bool = False) -> Iterator[Receiver]:
    """A server on a free loopback port; with `hold`, each request waits for `release`."""
    state = Receiver("", list(statuses))
    if not hold:
        state.release.set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            state.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
            state.arrived.set()
            state.release.wait(30)
            status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
