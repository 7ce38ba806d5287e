"""Operations figures (benchmarks/PERF.md, "Operations"): the time of one /metrics scrape with
many runs in the store, and what run progress adds to a run.

    python -m benchmarks.ops_bench scrape --runs 10000 [--postgres-url URL]
    python -m benchmarks.ops_bench progress --scale 1 --repeat 8
    python -m benchmarks.ops_bench page --scale 1 --requests 2000 --rounds 7
    python -m benchmarks.ops_bench clients --scale 1 --clients 50 --seconds 10 --rounds 5

`page` is the CPU time of one results page of 100 rows, served in-process (ASGI calls, no
sockets) by the app of `create_app` and by the same app without the request metrics, in
alternating rounds: what the metrics add to each request, without the noise of a loaded machine's
scheduling that a many-client latency test has.
`clients` is the issue's own figure: the results-page p50 that 50 concurrent clients see from a
real `intent serve` on loopback, and from the same server less the request metrics
(benchmarks/serve_without_metrics.py), one server at a time in alternating rounds over one store.
`progress` alternates runs of the selective audience with stage reports and without them (the
same runner with no listener, on a store that ignores stage writes), each run a real attempt in
a child process on a SQLite store, and prints the median of each and their ratio.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from api.metrics import HttpMetrics, RequestHooks
from benchmarks.api_clients import client, completed_run, create_audience, page_load
from benchmarks.api_server import running_server
from benchmarks.api_services import postgres_database
from benchmarks.audiences import audience_mix
from benchmarks.suite import ensure_dataset, topic_popularity
from data.catalog import DatasetCatalog
from data.metadata.models import Audience, AudienceId, Run, RunId
from data.metadata.store import MetadataStore
from data.snapshots import SnapshotRef
from engine.config import canonical_json, config_hash, parse_config
from engine.states import RunStatus, RunType
from jobs import accounts
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.produce import produce_snapshot
from jobs.progress import Listener
from jobs.services import connect
from jobs.settings import Settings
from jobs.work import InlineRunner, WorkOrder, WorkRunner

STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.QUEUED, RunStatus.CANCELLED)


def _settings(home: Path, dataset: Path, database_url: str | None = None) -> Settings:
    env = {"INTENT_HOME": str(home), "INTENT_DATASET": str(dataset)}
    if database_url:
        env["INTENT_DATABASE_URL"] = database_url
    return Settings.from_env(env)


def _audience(store: MetadataStore, raw: dict[str, Any], now: datetime) -> Audience:
    org = store.create_organization(f"bench-{uuid.uuid4().hex[:8]}", 10, now)
    config = parse_config(raw)
    audience = Audience(
        AudienceId(str(uuid.uuid4())), org.id, "bench", "active", canonical_json(config),
        config_hash(config), now, now,
    )  # fmt: skip
    store.create_audience(audience)
    return audience


def _run(audience: Audience, data_date: str, created: datetime, status: RunStatus) -> Run:
    return Run(
        RunId(str(uuid.uuid4())), audience.id, audience.organization_id, status,
        RunType.MANUAL, audience.config_json, audience.config_hash, data_date, created,
    )  # fmt: skip


def scrape(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        if args.postgres_url:
            with postgres_database(args.postgres_url, "intent_ops_bench") as url:
                return _scrape(Path(home), url, args)
        return _scrape(Path(home), None, args)


def _scrape(home: Path, database_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    settings = _settings(home, home / "dataset", database_url)
    services = connect(settings)
    store = services.deps.store
    now = datetime.now(UTC)
    audience = _audience(store, {"topicIds": [1]}, now)
    for n in range(args.runs):
        created = now - timedelta(seconds=n)
        store.insert_run(_run(audience, f"2026-{1 + n % 12:02d}-01", created, STATUSES[n % 4]))
    app = create_app(settings, services.deps)
    timings = []
    with TestClient(app) as client:
        for _ in range(args.repeat):
            started = time.perf_counter()
            reply = client.get("/metrics")
            timings.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200
    database = "postgresql" if database_url else "sqlite"
    return {"database": database, "runs": args.runs, "median_ms": statistics.median(timings)}


class Silent:
    """The runner of `deps` with nobody listening to its stages."""

    def __init__(self, runner: WorkRunner) -> None:
        self.runner = runner

    def __call__(
        self,
        order: WorkOrder,
        *,
        time_limit: float,
        cancel: threading.Event,
        progress: Listener | None = None,
    ) -> SnapshotRef:
        return self.runner(order, time_limit=time_limit, cancel=cancel)


class NoStages:
    """A store that writes everything but stages."""

    def __init__(self, store: MetadataStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def set_run_stage(self, run_id: RunId, attempt: int, stage: str, progress: float) -> bool:
        return True


def progress(args: argparse.Namespace) -> dict[str, Any]:
    dataset = ensure_dataset(args.data_dir, args.scale)
    day = DatasetCatalog(dataset).latest_complete_date()
    assert day is not None
    raw = audience_mix(topic_popularity(dataset, day))["selective"]
    with tempfile.TemporaryDirectory() as home:
        services = connect(_settings(Path(home), dataset))
        reporting = services.deps
        silent = replace(
            reporting, runner=Silent(reporting.runner), store=NoStages(reporting.store)
        )
        audience = _audience(reporting.store, raw, datetime.now(UTC))
        seconds: dict[str, list[float]] = {"with": [], "without": []}
        _one_run(silent, audience, day)  # warms the child process server and the page cache
        for n in range(2 * args.repeat):
            name, deps = ("with", reporting) if n % 2 else ("without", silent)
            seconds[name].append(_one_run(deps, audience, day))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    ratio = medians["with"] / medians["without"]
    return {"scale": args.scale, "repeat": args.repeat, "median_s": medians, "ratio": ratio}


def _one_run(deps: JobDeps, audience: Audience, day: str) -> float:
    run = _run(audience, day, datetime.now(UTC), RunStatus.QUEUED)
    deps.store.insert_run(run)
    started = time.perf_counter()
    execute_run(deps, run.id)
    spent = time.perf_counter() - started
    done = deps.store.get_run(run.id)
    if done is None or done.status != RunStatus.COMPLETED:
        raise RuntimeError(f"the benchmark run did not complete: {done}")
    return spent


async def _serve(app: Litestar, path: str, headers: list[tuple[bytes, bytes]], n: int) -> float:
    """CPU seconds per request for `n` GETs of `path` straight into the ASGI app."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"limit=100", "headers": [(b"host", b"bench"), *headers],
        "server": ("bench", 80), "client": ("127.0.0.1", 1),
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    started = time.process_time()
    for _ in range(n):
        await app(dict(scope, state={}), receive, send)  # type: ignore[arg-type]
    return (time.process_time() - started) / n


def without_metrics(*args: Any, **kwargs: Any) -> Litestar:
    """The app `create_app` builds, less the request metrics (its two hooks)."""
    kwargs.pop("before_request")
    hooks = kwargs["before_send"]
    kwargs["before_send"] = [
        h for h in hooks if not isinstance(getattr(h, "__self__", None), RequestHooks)
    ]
    return Litestar(*args, **kwargs)


def page(args: argparse.Namespace) -> dict[str, Any]:
    dataset = ensure_dataset(args.data_dir, args.scale)
    day = DatasetCatalog(dataset).latest_complete_date()
    assert day is not None
    raw = audience_mix(topic_popularity(dataset, day))["no_filters"]
    with tempfile.TemporaryDirectory() as home:
        settings = _settings(Path(home), dataset)
        deps = replace(connect(settings).deps, runner=InlineRunner(produce_snapshot))
        now = datetime.now(UTC)
        audience = _audience(deps.store, raw, now)
        org = deps.store.get_organization(audience.organization_id)
        assert org is not None
        key = accounts.create_api_key(deps.store, org.name, now)[1]
        run = _run(audience, day, now, RunStatus.QUEUED)
        deps.store.insert_run(run)
        execute_run(deps, run.id)
        path = f"/v1/intent/audiences/{audience.id}/runs/{run.id}/results"
        headers = [(b"x-api-key", key.encode())]
        apps = {"with": create_app(settings, deps)}
        with patch("api.app.Litestar", without_metrics):
            apps["without"] = create_app(settings, deps)
        for app in apps.values():
            asyncio.run(_serve(app, path, headers, args.requests // 10))  # warm caches
        seconds: dict[str, list[float]] = {name: [] for name in apps}
        for round_number in range(args.rounds):  # each round in the other order
            for name, app in sorted(apps.items(), reverse=bool(round_number % 2)):
                seconds[name].append(asyncio.run(_serve(app, path, headers, args.requests)))
    medians = {name: statistics.median(v) * 1e6 for name, v in seconds.items()}
    ratio = medians["with"] / medians["without"]
    return {"cpu_us_per_page": medians, "ratio": ratio, "hooks_us": _hooks_us(path)}


def clients(args: argparse.Namespace) -> dict[str, Any]:
    dataset = ensure_dataset(args.data_dir, args.scale)
    day = DatasetCatalog(dataset).latest_complete_date()
    assert day is not None
    raw = audience_mix(topic_popularity(dataset, day))["no_filters"]
    commands = {"with": None, "without": [sys.executable, "-m", "benchmarks.serve_without_metrics"]}
    p50: dict[str, list[float]] = {name: [] for name in commands}
    run: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        for round_number in range(args.rounds):  # each round in the other order
            for name in sorted(commands, reverse=bool(round_number % 2)):
                with running_server(home, dataset, {}, command=commands[name]) as server:
                    if run is None:
                        with client(server.url, server.api_key) as http:
                            run = completed_run(http, create_audience(http, "clients", raw))
                    page_load(server.url, server.api_key, run, args.clients, 2.0, 0.0)  # warm
                    load = page_load(
                        server.url, server.api_key, run, args.clients, args.seconds, 0.0
                    )
                    p50[name].append(load.percentile(50))
                    _say(f"round {round_number} {name:7} p50 {p50[name][-1]:.1f} ms")
    medians = {name: statistics.median(values) for name, values in p50.items()}
    return {
        "clients": args.clients,
        "p50_ms": p50,
        "median_p50_ms": medians,
        "ratio": medians["with"] / medians["without"],
    }


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _hooks_us(route: str, calls: int = 100_000) -> float:
    """CPU microseconds of the two hooks for one request, called directly."""
    hooks = RequestHooks(HttpMetrics())
    request = SimpleNamespace(scope={"state": {}})
    start: dict[str, Any] = {"type": "http.response.start", "status": 200}
    scope: dict[str, Any] = {"path_template": route, "method": "GET", "state": {}}

    async def calls_of() -> None:
        for _ in range(calls):
            await hooks.before_request(request)  # type: ignore[arg-type]
            scope["state"] = request.scope["state"]
            await hooks.before_send(start, scope)  # type: ignore[arg-type]

    started = time.process_time()
    asyncio.run(calls_of())
    return (time.process_time() - started) / calls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ops_bench", description=__doc__)
    commands = parser.add_subparsers(dest="what", required=True)
    s = commands.add_parser("scrape")
    s.add_argument("--runs", type=int, default=10_000)
    s.add_argument("--repeat", type=int, default=30)
    s.add_argument("--postgres-url")
    p = commands.add_parser("progress")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--repeat", type=int, default=8)
    p.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    m = commands.add_parser("page")
    m.add_argument("--scale", type=float, default=1.0)
    m.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    m.add_argument("--requests", type=int, default=2000)
    m.add_argument("--rounds", type=int, default=7)
    c = commands.add_parser("clients")
    c.add_argument("--scale", type=float, default=1.0)
    c.add_argument("--data-dir", type=Path, default=Path("bench-data"))
    c.add_argument("--clients", type=int, default=50)
    c.add_argument("--seconds", type=float, default=10.0)
    c.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    what = {"scrape": scrape, "progress": progress, "page": page, "clients": clients}
    figures = what[args.what](args)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
