"""API load figures against a real `intent serve` on loopback (issue 5's targets).

Result pages of 100 rows from many clients while a worker materializes runs; run creation per
second on SQLite and on PostgreSQL; a ~1M-row `export.csv` streamed, with the server's memory.
Run it by hand on a quiet machine: `python -m benchmarks.api_load --help`.
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Final

import httpx

from benchmarks.api_clients import (
    BusyWorker,
    Latencies,
    client,
    completed_run,
    create_audience,
    median_stream,
    page_load,
    post_load,
    stream_export,
    summary_ms,
)
from benchmarks.api_server import running_server
from benchmarks.api_services import postgres_database, redis_queue, redis_up
from benchmarks.suite import ensure_dataset
from cli.demo_data import popular_topics

TARGETS: Final = {"p50_ms": 5.0, "p99_ms": 50.0, "posts_per_second": 300.0, "mb_per_second": 200.0}
PHASES: Final = ("pages", "export", "posts")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.api_load", description=__doc__)
    p.add_argument("--scale", type=float, default=2.0, help="dataset scale (2: ~1.2M-row export)")
    p.add_argument("--data-dir", type=Path, default=Path("bench-data"), help="datasets live here")
    p.add_argument("--only", default=",".join(PHASES), help=f"phases to run ({','.join(PHASES)})")
    p.add_argument("--seconds", type=float, default=10.0, help="length of each load phase")
    p.add_argument("--clients", type=int, default=50, help="concurrent result-page clients")
    p.add_argument("--think-ms", type=float, default=100.0, help="pause between a client's pages")
    p.add_argument("--post-clients", type=int, default=16, help="concurrent run creators")
    p.add_argument(
        "--serve-workers", type=int, default=1, help="API processes for the posts phase (1)"
    )
    p.add_argument("--export-repeat", type=int, default=3, help="export streams (median kept)")
    p.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    return p.parse_args(argv)


def pages_and_export(args: argparse.Namespace, dataset: Path, phases: set[str]) -> dict[str, Any]:
    """Embedded server on SQLite: its own worker threads materialize the busy audience."""
    topics = popular_topics(dataset, 250)
    figures: dict[str, Any] = {}
    with ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(running_server(home, dataset, {}))
        http = stack.enter_context(client(server.url, server.api_key))
        if "pages" in phases:
            figures["pages"] = _pages(args, server.url, server.api_key, http, topics)
        if "export" in phases:
            figures["export"] = _export(args, http, server.rss_mib, topics)
    return figures


def _export(
    args: argparse.Namespace, http: httpx.Client, rss: Callable[[], float], topics: list[int]
) -> dict[str, Any]:
    run = completed_run(http, create_audience(http, "export", {"topicIds": topics}))
    streams = [stream_export(http, run, rss) for _ in range(args.export_repeat)]
    middle = median_stream(streams)
    _say(
        f"export: {middle.rows} rows, {middle.megabytes:.0f} MB at {middle.mb_per_second:.0f} MB/s"
    )
    return dataclasses.asdict(middle)


def _pages(
    args: argparse.Namespace, url: str, key: str, http: httpx.Client, topics: list[int]
) -> dict[str, Any]:
    run = completed_run(http, create_audience(http, "pages", {"topicIds": topics[:40]}))
    alone = page_load(url, key, run, 1, args.seconds / 2, 0.0)  # the service time, for reference
    _say(f"pages, one client, idle server: {summary_ms(alone)}")
    busy = create_audience(http, "busy", {"topicIds": topics[40:120]})
    with BusyWorker(url, key, busy) as worker:
        latencies = page_load(url, key, run, args.clients, args.seconds, args.think_ms)
    _say(f"pages: {summary_ms(latencies)}; {worker.completed} runs materialized meanwhile")
    figures = _latency_figures(latencies) | {"runsMaterialized": worker.completed}
    return figures | {"alone": _latency_figures(alone)}


def posts(args: argparse.Namespace, dataset: Path, database: str) -> dict[str, Any]:
    """Run creation only: with Redis the server enqueues and nobody consumes."""
    with ExitStack() as stack:
        env: dict[str, str] = {}
        if database == "postgresql":
            env["INTENT_DATABASE_URL"] = stack.enter_context(postgres_database(args.postgres_url))
        if redis_up(args.redis_url):
            queue = stack.enter_context(redis_queue(args.redis_url))
            env |= {"INTENT_BROKER_URL": args.redis_url, "INTENT_QUEUE_NAME": queue}
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        workers = args.serve_workers if "INTENT_BROKER_URL" in env else 1
        server = stack.enter_context(running_server(home, dataset, env, workers))
        http = stack.enter_context(client(server.url, server.api_key))
        audience = create_audience(http, "posts", {"topicIds": popular_topics(dataset, 5)})
        post_load(server.url, server.api_key, audience, args.post_clients, 1.0)  # warm up
        latencies = post_load(server.url, server.api_key, audience, args.post_clients, args.seconds)
    broker = "redis" if "INTENT_BROKER_URL" in env else "embedded"
    _say(f"posts on {database} ({broker} broker, {workers} processes): {summary_ms(latencies)}")
    return _latency_figures(latencies) | {"broker": broker, "serveWorkers": workers}


def render(figures: dict[str, Any]) -> str:
    rows = ["| measurement | figure | target | met |", "|---|---:|---:|:-:|"]
    if "pages" in figures:
        p = figures["pages"]
        rows += [_row("results page p50 ms", p["p50_ms"], TARGETS["p50_ms"], below=True)]
        rows += [_row("results page p99 ms", p["p99_ms"], TARGETS["p99_ms"], below=True)]
        rows += [
            f"| results page p50 ms, one client, idle server | {p['alone']['p50_ms']:.1f} | | |"
        ]
    for database in ("sqlite", "postgresql"):
        if f"posts_{database}" in figures:
            rate = figures[f"posts_{database}"]["per_second"]
            rows += [_row(f"POST runs/s ({database})", rate, TARGETS["posts_per_second"])]
    if "export" in figures:
        e = figures["export"]
        rows += [_row("export.csv MB/s", e["megabytes"] / e["seconds"], TARGETS["mb_per_second"])]
        rows += [f"| server RSS MiB during export (start -> peak) | {e['rss_start_mib']:.0f} -> "
                 f"{e['rss_peak_mib']:.0f} | flat | |"]  # fmt: skip
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    phases = {p for p in args.only.split(",") if p}
    dataset = ensure_dataset(args.data_dir, args.scale)
    figures: dict[str, Any] = {"scale": args.scale, "loadavg": os.getloadavg()}
    _say(f"dataset {dataset}; load average {figures['loadavg'][0]:.2f} at start")
    if phases & {"pages", "export"}:
        figures |= pages_and_export(args, dataset, phases)
    if "posts" in phases:
        for database in ("sqlite", "postgresql"):
            figures[f"posts_{database}"] = posts(args, dataset, database)
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return 0


def _latency_figures(latencies: Latencies) -> dict[str, Any]:
    return {
        "p50_ms": latencies.percentile(50),
        "p99_ms": latencies.percentile(99),
        "per_second": latencies.per_second(),
        "requests": len(latencies.samples_ms),
        "errors": latencies.errors,
    }


def _row(name: str, value: float, target: float, *, below: bool = False) -> str:
    met = value <= target if below else value >= target
    sign = "<=" if below else ">="
    return f"| {name} | {value:.1f} | {sign} {target:g} | {'yes' if met else 'no'} |"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
