"""Backfill throughput (issue 14: a backfill of 30 dates at scale 1 takes no longer than 30
single runs divided by the workers).

    python -m benchmarks.backfill_bench --dataset bench-data/s1-d30 [--workers 2] [--singles 3]
                                        [--audience selective]

The dataset needs 30 complete dates (`intent data generate --out bench-data/s1-d30 --scale 1
--days 30 --end-date 2026-11-27 --seed 42`). Runs execute as a worker executes them
(`execute_run`, each attempt in a child process), on a SQLite store in a temporary home:
first `--singles` runs of the audience one at a time on dates of the range (after one warm-up
run), then one backfill of the 30 newest dates executed by `--workers` threads. Prints the median
single run, the bound (30 x single / workers), the backfill's wall time and their ratio.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.audiences import audience_mix
from benchmarks.suite import topic_popularity
from data.catalog import DatasetCatalog
from data.metadata.models import Audience, AudienceId, RunId
from data.metadata.store import MetadataStore
from engine.config import canonical_json, config_hash, parse_config
from engine.states import RunStatus, RunType
from jobs.backfill import backfill
from jobs.deps import JobDeps
from jobs.execute import execute_run
from jobs.services import connect
from jobs.settings import Settings
from jobs.submit import submit_run

DATES = 30


def _audience(store: MetadataStore, raw: dict[str, Any], now: datetime) -> Audience:
    org = store.create_organization(f"backfill-{uuid.uuid4().hex[:8]}", 10, now)
    config = parse_config(raw)
    audience = Audience(
        AudienceId(str(uuid.uuid4())), org.id, "bench", "draft", canonical_json(config),
        config_hash(config), now, now,
    )  # fmt: skip
    store.create_audience(audience)
    return audience


def _execute(deps: JobDeps, run_id: RunId) -> None:
    execute_run(deps, run_id)
    done = deps.store.get_run(run_id)
    if done is None or done.status != RunStatus.COMPLETED:
        raise RuntimeError(f"a benchmark run did not complete: {done}")


def _single(deps: JobDeps, audience: Audience, day: str) -> float:
    run = submit_run(deps, audience=audience, run_type=RunType.MANUAL, data_date=day,
                     now=datetime.now(UTC))  # fmt: skip
    started = time.perf_counter()
    _execute(deps, run.id)
    return time.perf_counter() - started


def _backfill(
    deps: JobDeps, audience: Audience, dates: list[str], workers: int
) -> tuple[float, list[float]]:
    """The backfill's wall time, and each of its runs' time from claim to completion."""
    started = time.perf_counter()
    queued = backfill(deps, audience=audience, start=dates[0], end=dates[-1], force=True,
                      now=datetime.now(UTC))  # fmt: skip
    if len(queued.runs) != len(dates):
        raise RuntimeError(f"the backfill queued {len(queued.runs)} runs, not {len(dates)}")
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda run: _execute(deps, run.id), queued.runs))
    wall = time.perf_counter() - started
    done = [deps.store.get_run(run.id) for run in queued.runs]
    return wall, [
        (run.completed_at - run.started_at).total_seconds()
        for run in done
        if run is not None and run.started_at is not None and run.completed_at is not None
    ]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    dates = DatasetCatalog(args.dataset).complete_dates()[-DATES:]
    if len(dates) < DATES:
        raise SystemExit(f"{args.dataset} has {len(dates)} complete dates; {DATES} are needed")
    raw = audience_mix(topic_popularity(args.dataset, dates[-1]))[args.audience]
    with tempfile.TemporaryDirectory() as home:
        env = {
            "INTENT_HOME": home,
            "INTENT_DATASET": str(args.dataset),
            "INTENT_WORKER_THREADS": str(args.workers),
        }
        deps = connect(Settings.from_env(env)).deps
        audience = _audience(deps.store, raw, datetime.now(UTC))
        _single(deps, audience, dates[0])  # warms the child process server and the page cache
        step = max(1, DATES // args.singles)
        singles = [_single(deps, audience, day) for day in dates[::step][: args.singles]]
        wall, runs = _backfill(deps, audience, dates, args.workers)
    single = statistics.median(singles)
    bound = DATES * single / args.workers
    return {
        "dataset": str(args.dataset),
        "audience": args.audience,
        "workers": args.workers,
        "dates": f"{dates[0]}..{dates[-1]}",
        "single_runs_s": [round(s, 3) for s in singles],
        "single_median_s": round(single, 3),
        "bound_s": round(bound, 2),
        "backfill_s": round(wall, 2),
        "backfill_run_median_s": round(statistics.median(runs), 3),
        "backfill_run_max_s": round(max(runs), 3),
        "workers_busy": round(sum(runs) / (args.workers * wall), 3),
        "ratio": round(wall / bound, 3),
        "met": wall <= bound,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backfill_bench")
    parser.add_argument("--dataset", type=Path, default=Path("bench-data/s1-d30"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--singles", type=int, default=3, help="single runs timed")
    parser.add_argument("--audience", default="selective", help="a shape of benchmarks.audiences")
    figures = measure(parser.parse_args(argv))
    print(json.dumps(figures, indent=2))
    return 0 if figures["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
