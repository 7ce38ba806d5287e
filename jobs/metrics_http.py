"""`/metrics` of a process that serves no API (`intent worker`, `intent scheduler`): what it
observes itself (run stage durations, exported bytes, webhook delivery times, S3 requests), in
the Prometheus text format, on a port of its own.

Run, queue and delivery counts are not here: any API process reads those from the metadata
store. With INTENT_METRICS_TOKEN set, a scrape needs it as a bearer token, as on the API.
"""

import hmac
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Iterable[bytes]]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not logged: one line every 15 s says nothing."""


def bearer_matches(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries `token` as its bearer token (in constant time)."""
    given = (authorization or "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def guarded(app: App, token: str | None) -> App:
    """`app`, answering 401 to a request without `Authorization: Bearer <token>` when a token
    is set."""
    if token is None:
        return app

    def check(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if bearer_matches(environ.get("HTTP_AUTHORIZATION"), token):
            return app(environ, start_response)
        start_response("401 Unauthorized", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"/metrics needs the bearer token of INTENT_METRICS_TOKEN\n"]

    return check


def serve_metrics(
    registry: CollectorRegistry, host: str, port: int, token: str | None
) -> Callable[[], None]:
    """Serve `registry` at http://host:port/metrics in a daemon thread; the callable stops it.
    OSError (the port is taken) is raised here, before anything is served."""
    server = make_server(
        host,
        port,
        guarded(make_wsgi_app(registry), token),
        ThreadingWSGIServer,
        handler_class=_Quiet,
    )
    thread = threading.Thread(target=server.serve_forever, name="metrics", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop
