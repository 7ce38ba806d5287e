"""An HTTP proxy in front of the local S3 server that counts the bytes of each object it
returns: what a reader with its own S3 client (Polars) fetches, which no wrapper of a pyarrow
filesystem sees. Requests are path-style (`/bucket/key`), as clients send them to an endpoint
URL."""

import http.client
import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

# Hop-by-hop headers, and the length, which the proxy sets from the body it passes on.
NOT_FORWARDED = frozenset({"connection", "transfer-encoding", "keep-alive", "content-length"})


@dataclass
class CountingProxy:
    url: str
    bytes_read: Counter[str] = field(default_factory=Counter)  # by "bucket/key"


@contextmanager
def counting_proxy(upstream: str) -> Iterator[CountingProxy]:
    """A proxy to the server at `upstream` (http://host:port), serving on a free local port."""
    target = urlsplit(upstream)
    lock = threading.Lock()
    counts: Counter[str] = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._forward()

        def do_HEAD(self) -> None:
            self._forward()

        def _forward(self) -> None:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                connection.request(self.command, self.path, headers=dict(self.headers.items()))
                response = connection.getresponse()
                body = response.read()
            finally:
                connection.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in NOT_FORWARDED:
                    self.send_header(name, value)
            length = response.getheader("Content-Length") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(body)))
            self.send_header("Connection", "close")  # one request a connection: no stale reuse
            self.close_connection = True
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
                with lock:
                    counts[unquote(urlsplit(self.path).path).lstrip("/")] += len(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 256  # Polars opens many connections at once; the default is 5
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield CountingProxy(f"http://127.0.0.1:{server.server_address[1]}", counts)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
