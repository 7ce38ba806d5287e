"""Fleet throughput (issue 13: a fleet of three workers does at least 2.5x the daily runs of one).

    python -m benchmarks.fleet_bench [--dataset /work/bench-data/s1] [--audiences 24]
                                     [--workers 1,3] [--repeat 1]

The dataset (scale 1, two days) is made by `intent data generate --out /work/bench-data/s1
--scale 1 --days 2 --seed 42`; `--dataset s3://bucket/prefix` reads it from a bucket instead (the
AWS_* variables name the endpoint). For each worker count the same fleet is started as in the
fleet test (benchmarks/fleet.py): `intent serve`, then that many `intent worker --threads 1`, each
with its own INTENT_HOME, on a fresh PostgreSQL database and a private Redis queue. `--audiences`
active audiences of the benchmark mix (benchmarks/audiences.py, topics shifted per audience) are
created through the API; then `intent scheduler` starts and makes one daily run per audience for
the latest date. Throughput is runs per minute from the first run created to the last completed
(database timestamps), so process start-up is left out and queueing is in.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.api_server import free_port
from benchmarks.api_services import postgres_database, redis_queue
from benchmarks.audiences import audience_mix
from benchmarks.fleet import (
    Fleet,
    FleetConfig,
    Member,
    api_key,
    client,
    runs_of,
    wait_until,
)
from benchmarks.machine import facts
from benchmarks.suite import topic_popularity
from data.catalog import DatasetCatalog
from data.metadata.connect import open_store
from data.metadata.store import MetadataStore
from engine.states import RunStatus

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
WAIT_SECONDS = 1800.0


def configs(top: list[int], count: int) -> list[dict[str, Any]]:
    """`count` audience configs: the benchmark mix in turn, each with its topics shifted so no
    two audiences are the same."""
    mix = list(audience_mix(top).values())
    chosen = []
    for n in range(count):
        config = json.loads(json.dumps(mix[n % len(mix)]))
        shift = n // len(mix)
        config["topicIds"] = [top[(top.index(t) + shift) % len(top)] for t in config["topicIds"]]
        chosen.append(config)
    return chosen


def measure_fleet(
    workers: int,
    dataset: str,
    snapshots: str,
    audiences: list[dict[str, Any]],
    root: Path,
    engine_threads: int | None = None,
) -> dict[str, Any]:
    """One fleet of `workers` workers doing one daily run per audience; its figures."""
    with postgres_database(POSTGRES_URL, "intent_fleet") as database, redis_queue(REDIS_URL) as q:
        config = FleetConfig(
            root=root,
            dataset=dataset,
            snapshots=snapshots or str(root / "snapshots"),
            database_url=database,
            broker_url=REDIS_URL,
            queue=q,
            env={
                "INTENT_TICK_SECONDS": "1",
                "INTENT_WORKER_THREADS": "1",
                **_engine_threads(engine_threads),
                **{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
            },
        )
        with Fleet(config) as fleet:
            url = fleet.start_api(free_port())
            members = fleet.start_workers(workers)
            wait_until(lambda: all(_consuming(m) for m in members), 300, "the workers")
            with client(url, api_key(database, slots=64)) as http:
                ids = []
                for n, raw in enumerate(audiences):
                    body = {"name": f"bench {n}", "status": "active", "config": raw}
                    reply = http.post("/audiences", json=body)
                    reply.raise_for_status()
                    ids.append(reply.json()["data"]["id"])
            store = open_store(database, upgrade=False)
            fleet.start("scheduler", ["scheduler"])
            wait_until(lambda: _all_done(store, ids), WAIT_SECONDS, "the daily runs")
            return _figures(store, ids, workers)


def _engine_threads(threads: int | None) -> dict[str, str]:
    """The engine threads of each run; None leaves the default (the cores / worker threads)."""
    if threads is None:
        return {}
    return {"INTENT_POLARS_THREADS": str(threads), "INTENT_DUCKDB_THREADS": str(threads)}


def _consuming(member: Member) -> bool:
    return "consuming" in member.output()


def _all_done(store: MetadataStore, audiences: list[str]) -> bool:
    runs = runs_of(store, audiences)
    ended = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)
    return len(runs) == len(audiences) and all(run.status in ended for run in runs)


def _figures(store: MetadataStore, audiences: list[str], workers: int) -> dict[str, Any]:
    runs = runs_of(store, audiences)
    completed = [run for run in runs if run.status == RunStatus.COMPLETED]
    first = min(run.created_at for run in runs)
    last = max(run.completed_at for run in completed if run.completed_at is not None)
    seconds = (last - first).total_seconds()
    durations = [
        (run.completed_at - run.started_at).total_seconds()
        for run in completed
        if run.completed_at is not None and run.started_at is not None
    ]
    return {
        "workers": workers,
        "runs": len(runs),
        "completed": len(completed),
        "seconds": round(seconds, 2),
        "runsPerMinute": round(60 * len(completed) / seconds, 2),
        "medianRunSeconds": round(statistics.median(durations), 2),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    if not str(args.dataset).startswith("s3://") and not Path(args.dataset).is_dir():
        raise SystemExit(
            f"{args.dataset}: generate it first (see python -m benchmarks.fleet_bench -h)"
        )
    popularity = args.popularity or args.dataset
    latest = DatasetCatalog(Path(popularity)).latest_complete_date()
    assert latest is not None, f"{popularity}: no complete date"
    audiences = configs(topic_popularity(Path(popularity), latest), args.audiences)
    rounds: dict[int, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="intent-fleet-bench-") as tmp:
        for repeat in range(args.repeat):
            for workers in args.workers:
                root = Path(tmp) / f"w{workers}-r{repeat}"
                snapshots = f"{args.snapshots}/{root.name}" if args.snapshots else ""
                figures = measure_fleet(
                    workers, str(args.dataset), snapshots, audiences, root, args.engine_threads
                )
                print(json.dumps(figures), file=sys.stderr, flush=True)
                rounds.setdefault(workers, []).append(figures)
    best = {w: max(r["runsPerMinute"] for r in runs) for w, runs in rounds.items()}
    one, most = min(best), max(best)
    return {
        "dataset": str(args.dataset),
        "audiences": args.audiences,
        "engineThreads": args.engine_threads,
        "rounds": rounds,
        "runsPerMinute": best,
        "speedup": round(best[most] / best[one], 2),
        "loadAverage": os.getloadavg(),
        "machine": facts(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet_bench")
    parser.add_argument("--dataset", default="/work/bench-data/s1")
    parser.add_argument(
        "--popularity", help="a local copy of the dataset to rank topics (for an s3:// dataset)"
    )
    parser.add_argument(
        "--snapshots", help="s3://bucket/prefix for the snapshots (default: a local directory)"
    )
    parser.add_argument("--audiences", type=int, default=24)
    parser.add_argument(
        "--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1, 3]
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--engine-threads", type=int, help="INTENT_POLARS_THREADS and INTENT_DUCKDB_THREADS"
    )
    print(json.dumps(measure(parser.parse_args(argv)), indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
