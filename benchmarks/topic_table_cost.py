"""What the per-date topic table adds to writing a date (issue 11: at most 10%).

Generates one date at the given scale (its writer computes the topic table inline), then ingests
that date's intent file as a new date of the same dataset; for each, the topic table's share is
the time of `data.topic_stats.compute` on the same rows (median of `--repeat`) against the rest.
Run it by hand on a quiet machine: `python -m benchmarks.topic_table_cost --help`.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from data import topic_stats
from data.catalog import DatasetCatalog
from data.generator import generate
from data.ingest import IngestRequest, ingest

END_DATE: Final = date(2026, 11, 27)
TARGET_SHARE: Final = 0.10


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.topic_table_cost", description=__doc__)
    p.add_argument("--out", type=Path, default=Path("bench-data/topic-cost"), help="work dir")
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--repeat", type=int, default=3, help="timings of compute (median kept)")
    p.add_argument("--skip-ingest", action="store_true")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    return p.parse_args(argv)


def compute_seconds(table: pa.Table, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        topic_stats.compute(table)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    figures: dict[str, Any] = {"scale": args.scale, "loadavg_start": os.getloadavg()}
    dataset = args.out / f"s{args.scale:g}"
    started = time.perf_counter()
    summary = generate(dataset, scale=args.scale, days=1, end_date=END_DATE, seed=5, replace=True)
    figures["generate_total_s"] = time.perf_counter() - started
    figures["generate_intent_s"] = summary.seconds["intent"]
    files = DatasetCatalog(dataset).resolve(END_DATE.isoformat()).intent_files
    table = pq.read_table(list(files), columns=["topic_id", "score"])
    figures["rows"] = table.num_rows
    figures["compute_s"] = compute_seconds(table, args.repeat)
    del table
    _share(figures, "generate", figures["generate_intent_s"])
    if not args.skip_ingest:
        next_date = (END_DATE + timedelta(days=1)).isoformat()
        started = time.perf_counter()
        ingest(IngestRequest(dataset, next_date, Path(files[0]), replace=True))
        figures["ingest_s"] = time.perf_counter() - started
        _share(figures, "ingest", figures["ingest_s"])
    figures["loadavg_end"] = os.getloadavg()
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def _share(figures: dict[str, Any], name: str, with_table: float) -> None:
    """The table's time over the rest of the write (the writer's time without it)."""
    share = figures["compute_s"] / (with_table - figures["compute_s"])
    figures[f"{name}_share"] = share
    met = "met" if share <= TARGET_SHARE else "NOT met"
    print(
        f"{name}: topic table {figures['compute_s']:.2f} s of {with_table:.1f} s "
        f"= +{share:.1%} ({met}, target {TARGET_SHARE:.0%})",
        file=sys.stderr,
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
