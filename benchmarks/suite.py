"""The benchmark suite: datasets, audience mix, every backend in fresh processes, agreement, report.

Run alone on a quiet machine: `make bench` (or `intent bench --help` for the knobs).
"""

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from benchmarks.audiences import audience_mix
from benchmarks.report import render
from benchmarks.settle import settle
from data.catalog import DatasetCatalog
from data.generator import generate

END_DATE = date(2026, 11, 27)


Report = Callable[[str, float], None]  # (what is being measured, overall fraction 0..1)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scales", default="1,10", help="comma-separated scale factors (default 1,10)")
    p.add_argument("--data-dir", type=Path, default=Path("bench-data"), help="datasets live here")
    p.add_argument("--backends", default="duckdb,polars", help="engine backends to measure")
    p.add_argument("--repeat", type=int, default=7, help="runs per measurement (first is cold)")
    p.add_argument("--no-pandas", action="store_true", help="skip the naive pandas baseline")
    p.add_argument(
        "--drop-caches", action="store_true", help="drop the OS page cache before each cold run"
    )
    p.add_argument("--audiences", default="", help="only these audiences (comma-separated)")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")


def ensure_dataset(root: Path, scale: float) -> Path:
    path = root / f"s{scale:g}"
    if not DatasetCatalog(path).complete_dates():
        print(f"generating scale {scale:g} into {path} ...", file=sys.stderr)
        generate(path, scale=scale, days=2, end_date=END_DATE, seed=42)
    return path


def topic_popularity(dataset: Path, day: str) -> list[int]:
    files = [str(f) for f in DatasetCatalog(dataset).resolve(day).intent_files]
    rows = (
        duckdb.connect()
        .execute(
            "SELECT topic_id, count(*) AS n FROM read_parquet($files, hive_partitioning = false) "
            "WHERE score >= 50 GROUP BY topic_id ORDER BY n DESC, topic_id LIMIT 40",
            {"files": files},
        )
        .fetchall()
    )
    return [int(topic) for topic, _ in rows]


def probe(dataset: Path, day: str, backend: str, config: dict[str, object], repeat: int,
          drop: bool) -> dict[str, object]:  # fmt: skip
    if drop:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    settle()
    return in_fresh_process("benchmarks.probe", dataset, day, backend, json.dumps(config), repeat)


def in_fresh_process(module: str, *args: object) -> dict[str, object]:
    """Run `python -m module args...` and return the JSON object its last line prints.

    Each measurement gets a process of its own, as a worker's attempt does: nothing an earlier
    measurement left behind (heaps, thread pools, a pandas run's freed gigabytes) weighs on it.
    """
    cmd = [sys.executable, "-m", module, *map(str, args)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def bench_scale(
    args: argparse.Namespace, scale: float, progress: Report | None = None
) -> dict[str, object]:
    """The figures of one scale; `progress` hears each probe as it starts (fraction of the
    scale's probes done)."""
    dataset = ensure_dataset(args.data_dir, scale)
    day = DatasetCatalog(dataset).latest_complete_date()
    assert day is not None
    mix = audience_mix(topic_popularity(dataset, day))
    wanted = [a for a in args.audiences.split(",") if a] or list(mix)
    backends = [b for b in args.backends.split(",") if b] + ([] if args.no_pandas else ["pandas"])
    rows: dict[str, list[dict[str, object]]] = {}
    probes = len(wanted) * len(backends) + 1  # and the snapshot measurement
    for name in wanted:
        rows[name] = []
        for backend in backends:
            if progress is not None:
                progress(f"{name} {backend}", sum(map(len, rows.values())) / probes)
            repeat = 2 if backend == "pandas" else args.repeat
            m = probe(dataset, day, backend, mix[name], repeat, args.drop_caches)
            print(f"  scale {scale:g} {name:14} {backend:7} {_brief(m)}", file=sys.stderr)
            rows[name].append(m)
    settle()
    if progress is not None:
        progress("snapshot", (probes - 1) / probes)
    snapshot = in_fresh_process(
        "benchmarks.snapshot_bench", dataset, day, json.dumps(mix["no_filters"])
    )
    return {"scale": scale, "date": day, "audiences": rows, "configs": mix, "snapshot": snapshot}


def _within(progress: Report | None, index: int, count: int, scale: float) -> Report | None:
    """A scale's own progress as a share of the whole run's."""
    if progress is None:
        return None
    report = progress
    return lambda what, done: report(f"scale {scale:g} {what}", (index + done) / count)


def _brief(m: dict[str, object]) -> str:
    warm = m["warm_ms"] or 0
    return f"cold {m['cold_ms']:.0f} ms, warm {warm:.0f} ms, rss {m['peak_rss_mib']:.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="intent bench", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace, progress: Report | None = None) -> int:
    """Every scale of `args`; `progress` hears (what, overall fraction) as probes start."""
    scales = [float(s) for s in args.scales.split(",") if s]
    figures = [
        bench_scale(args, scale, _within(progress, index, len(scales), scale))
        for index, scale in enumerate(scales)
    ]
    text, agreed = render(figures)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if agreed else 1
