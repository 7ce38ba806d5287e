"""The API's Prometheus side: request counts and durations by route template, and `GET /metrics`.

Labels never carry ids, keys or e-mail addresses: a route is its template
(`/v1/intent/audiences/{audience_id}/runs`); requests no route matched are not counted.
With PROMETHEUS_MULTIPROC_DIR set (`intent serve --workers N`), a scrape sums every process's
files; run and queue metrics come from the metadata store either way.
"""

import time
from collections.abc import Sequence
from typing import Annotated, Any, Final

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import HeaderParameter
from litestar.types import Message, Scope
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as exposition_of
from prometheus_client.multiprocess import MultiProcessCollector

from api.errors import MetricsTokenInvalid
from jobs.deps import JobDeps
from jobs.metrics import DeliveryCollector, RunCollector
from jobs.metrics_http import bearer_matches
from jobs.settings import Settings

_STARTED_KEY: Final = "metrics_started"  # the route label of requests no route matched
HTTP_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class HttpMetrics:
    """Requests and their durations, by route template, method and status."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "intent_http_requests",
            "HTTP requests answered",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "intent_http_request_duration_seconds",
            "Seconds from a request's arrival to the end of its response",
            ["route", "method"],
            buckets=HTTP_BUCKETS,
            registry=self.registry,
        )
        # Labelled children looked up once: `labels()` costs more than the increment.
        self._counted: dict[tuple[str, str, int], Counter] = {}
        self._timed: dict[tuple[str, str], Histogram] = {}

    def observe(self, route: str, method: str, status: int, seconds: float | None) -> None:
        """One request answered with `status`, `seconds` after its handler was reached (to its
        response's start: a streamed export counts its time to the first byte); None: refused
        before that (by the key guard), counted but not timed."""
        counter = self._counted.get((route, method, status))
        if counter is None:
            counter = self._counted.setdefault(
                (route, method, status), self.requests.labels(route, method, str(status))
            )
        histogram = self._timed.get((route, method))
        if histogram is None:  # looked up even when not timed: its series exists from the start
            histogram = self._timed.setdefault((route, method), self.seconds.labels(route, method))
        counter.inc()
        if seconds is not None:
            histogram.observe(seconds)


class RequestHooks:
    """Litestar hooks that time each request and count it by route template and status.

    `before_request` notes the start; `before_send` observes the request when its response
    starts. Hooks the app calls anyway, rather than a middleware: a middleware wraps every route
    in two more ASGI layers, which cost more than the counting itself. Nothing is set in the
    request's context: a context variable set per request costs several times the counting
    (benchmarks/PERF.md), so the API's log lines name their request themselves.
    """

    def __init__(self, metrics: HttpMetrics) -> None:
        self.metrics = metrics

    async def before_request(self, request: Request[Any, Any, Any]) -> None:
        request.scope["state"][_STARTED_KEY] = time.perf_counter()

    async def before_send(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        route = scope.get("path_template")
        if route is None:  # no route matched: nothing is counted (no raw path in any label)
            return
        started = scope.get("state", {}).get(_STARTED_KEY)
        spent = None if started is None else time.perf_counter() - started
        self.metrics.observe(route, str(scope.get("method", "")), message["status"], spent)


class Scrape:
    """The text of one scrape: this process's metrics (or every process's, in multiprocess
    mode) and the run metrics of the metadata store."""

    def __init__(self, deps: JobDeps, settings: Settings, http: HttpMetrics) -> None:
        self.token = settings.metrics_token
        runs = CollectorRegistry()
        runs.register(RunCollector(deps.store, deps.clock))
        runs.register(DeliveryCollector(deps.store))
        self.registries: Sequence[CollectorRegistry]
        if settings.metrics_dir is None:
            self.registries = (http.registry, deps.metrics.registry, runs)
        else:
            processes = CollectorRegistry()
            MultiProcessCollector(processes, path=str(settings.metrics_dir))  # type: ignore[no-untyped-call]
            self.registries = (processes, runs)

    def render(self) -> bytes:
        return b"".join(exposition_of(registry) for registry in self.registries)

    def check(self, authorization: str | None) -> None:
        """Refuse a scrape without the bearer token, when one is configured."""
        if self.token is None:
            return
        if not bearer_matches(authorization, self.token):
            raise MetricsTokenInvalid("/metrics needs the bearer token of INTENT_METRICS_TOKEN")


# Litestar adds the charset of a text/ type itself: named twice, some scrapers refuse it.
MEDIA_TYPE: Final = CONTENT_TYPE_LATEST.removesuffix("; charset=utf-8")


@get("/metrics", sync_to_thread=True, include_in_schema=False)
def metrics(
    scrape: NamedDependency[Scrape],
    authorization: Annotated[str | None, HeaderParameter(name="authorization")] = None,
) -> Response[bytes]:
    scrape.check(authorization)
    return Response(scrape.render(), media_type=MEDIA_TYPE)


HANDLERS = [metrics]
