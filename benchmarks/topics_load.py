"""Topic discovery load against a real `intent serve` on loopback (issue 11's targets).

A dataset of 20,000 topics and 30 data dates; 50 clients, each looping request, pause, for each
route in turn: search, trend, browse and movers. Prints p50/p99 per route against the targets.
Run it by hand on a quiet machine: `python -m benchmarks.topics_load --help`.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from benchmarks.api_clients import Latencies, summary_ms
from benchmarks.api_server import running_server
from benchmarks.api_services import redis_queue
from benchmarks.http_loop import Connection
from data.catalog import DatasetCatalog
from data.generator import generate
from data.topic_index import LiveTopicIndex, TopicIndex

BASE: Final = "/v1/intent/topics"
TARGETS_P99_MS: Final = {"search": 5.0, "trend": 5.0, "browse": 10.0, "movers": 20.0}
UNLIMITED: Final = "100000000"  # the per-address budget would otherwise be what is measured
END_DATE: Final = date(2026, 11, 27)
Target = Callable[[random.Random], str]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.topics_load", description=__doc__)
    p.add_argument("--data-dir", type=Path, default=Path("bench-data"), help="datasets live here")
    p.add_argument("--scale", type=float, default=0.02, help="people scale of the dataset")
    p.add_argument("--topics", type=int, default=20_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--seconds", type=float, default=10.0, help="length of each route's phase")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients")
    p.add_argument("--think-ms", type=float, default=100.0, help="pause between a client's calls")
    p.add_argument("--only", default=",".join(TARGETS_P99_MS), help="routes to measure")
    p.add_argument(
        "--serve-workers", type=int, default=1, help="API processes (above 1: Redis as broker)"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    return p.parse_args(argv)


def ensure_dataset(args: argparse.Namespace) -> Path:
    path: Path = args.data_dir / f"topics-s{args.scale:g}-t{args.topics}-d{args.days}"
    if len(DatasetCatalog(path).complete_dates()) < args.days:
        _say(f"generating {args.topics} topics x {args.days} dates into {path} ...")
        generate(
            path, scale=args.scale, days=args.days, end_date=END_DATE, seed=11,
            topics=args.topics, replace=True,
        )  # fmt: skip
    return path


def targets(index: TopicIndex) -> dict[str, Target]:
    """Per route, a random request path: queries are names, prefixes, words and typos."""
    names = index.names
    industries = [value.value for value in index.facets["industries"]]

    def query(rng: random.Random) -> str:
        name = rng.choice(names)
        kind = rng.randrange(4)
        if kind == 0:
            return name
        if kind == 1:
            return name[: rng.randint(2, max(2, len(name) - 1))]
        if kind == 2:
            return rng.choice(name.split())
        word = rng.choice(name.split())
        at = rng.randrange(len(word))
        return word[:at] + word[at + 1 :] if len(word) > 4 else word  # one letter dropped

    def search(rng: random.Random) -> str:
        return f"{BASE}/search?q={quote(query(rng))}&limit=10"

    def trend(rng: random.Random) -> str:
        return f"{BASE}/{int(rng.choice(index.ids))}/trend?days=30"

    def browse(rng: random.Random) -> str:
        params = [f"page={rng.randint(1, 5)}", "pageSize=50", rng.choice(["type=b2b", "type=b2c"])]
        if rng.random() < 0.5:
            params.append(f"industry={quote(rng.choice(industries))}")
        if rng.random() < 0.3:
            params.append(f"q={quote(rng.choice(names).split()[0])}")
        return f"{BASE}?{'&'.join(params)}"

    def movers(rng: random.Random) -> str:
        direction = rng.choice(["up", "down"])
        extra = rng.choice(["", "&type=b2b", f"&industry={quote(rng.choice(industries))}"])
        return f"{BASE}/movers?limit=20&direction={direction}{extra}"

    return {"search": search, "trend": trend, "browse": browse, "movers": movers}


def load(url: str, target: Target, clients: int, seconds: float, think_ms: float) -> Latencies:
    return asyncio.run(_closed_loops(url, target, clients, seconds, think_ms))


async def _closed_loops(
    url: str, target: Target, clients: int, seconds: float, think_ms: float
) -> Latencies:
    result = Latencies(seconds=seconds)
    deadline = time.perf_counter() + seconds

    async def loop(seed: int) -> None:
        rng = random.Random(seed)
        connection = await Connection.open(url)
        try:
            await asyncio.sleep(rng.random() * think_ms / 1000)  # spread the clients out
            while time.perf_counter() < deadline:
                path = target(rng)
                started = time.perf_counter()
                status, _ = await connection.request("GET", path, {})
                elapsed = (time.perf_counter() - started) * 1000
                if status == 200:
                    result.samples_ms.append(elapsed)
                else:
                    result.errors += 1
                await asyncio.sleep(think_ms / 1000)
        finally:
            await connection.close()

    await asyncio.gather(*(loop(seed) for seed in range(clients)))
    return result


def render(figures: dict[str, Any]) -> str:
    rows = ["| route | p50 ms | p99 ms | p99 target ms | met | requests/s | errors |",
            "|---|---:|---:|---:|:-:|---:|---:|"]  # fmt: skip
    for route, target in TARGETS_P99_MS.items():
        if route in figures:
            f = figures[route]
            met = "yes" if f["p99_ms"] <= target else "no"
            rows.append(
                f"| {route} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {target:g} | {met} | "
                f"{f['per_second']:.0f} | {f['errors']} |"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    dataset = ensure_dataset(args)
    index = LiveTopicIndex(DatasetCatalog(dataset)).current()
    routes = targets(index)
    figures: dict[str, Any] = {"loadavg": os.getloadavg(), "topics": len(index),
                               "dates": len(index.dates), "clients": args.clients,
                               "serveWorkers": args.serve_workers}  # fmt: skip
    _say(f"dataset {dataset}: {len(index)} topics, {len(index.dates)} dates")
    env = {"INTENT_TOPICS_RATE_LIMIT_PER_MINUTE": UNLIMITED}
    with ExitStack() as stack:
        if args.serve_workers > 1:  # several processes need a broker; it also counts the budget
            queue = stack.enter_context(redis_queue(args.redis_url))
            env |= {"INTENT_BROKER_URL": args.redis_url, "INTENT_QUEUE_NAME": queue}
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(running_server(home, dataset, env, args.serve_workers))
        for name in [r for r in args.only.split(",") if r]:
            load(server.url, routes[name], args.clients, 1.0, args.think_ms)  # warm up
            latencies = load(server.url, routes[name], args.clients, args.seconds, args.think_ms)
            _say(f"{name}: {summary_ms(latencies)}")
            figures[name] = {
                "p50_ms": latencies.percentile(50),
                "p99_ms": latencies.percentile(99),
                "per_second": latencies.per_second(),
                "requests": len(latencies.samples_ms),
                "errors": latencies.errors,
            }
    print(render(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
