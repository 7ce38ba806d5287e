"""The cost of one run by dataset scale, and a line fitted to it (SCALE.md).

    python -m benchmarks.run_cost /work/bench-data/s1 /work/bench-data/s3 /work/bench-data/s10
                                  [--shapes selective,no_filters] [--repeat 3] [--backend auto]

Each dataset's scale is read from its people count (1 = 1,000,000 people). For every shape of the
benchmark mix (benchmarks/audiences.py, topics ranked on that dataset's latest date) `intent run`
runs as a whole process `--repeat` times (benchmarks/process.py: wall, CPU of the process and its
children, peak RSS); the median of each is kept. Per shape, wall and CPU seconds are fitted to
`a + b x scale` by least squares. Prints one JSON object.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks.api_server import intent_script
from benchmarks.audiences import audience_mix
from benchmarks.machine import facts
from benchmarks.process import measure
from benchmarks.suite import topic_popularity
from data.catalog import DatasetCatalog

PEOPLE_PER_SCALE = 1_000_000


def dataset_facts(dataset: Path) -> dict[str, Any]:
    catalog = DatasetCatalog(dataset)
    day = catalog.latest_complete_date()
    assert day is not None, f"{dataset}: no complete date"
    inputs = catalog.resolve(day)
    people = sum(pq.ParquetFile(path).metadata.num_rows for path in inputs.people_files)
    return {
        "dataset": str(dataset),
        "date": day,
        "scale": round(people / PEOPLE_PER_SCALE, 3),
        "people": people,
        "intentRows": catalog.manifest(day)["rowCount"],
        "intentBytes": sum(Path(path).stat().st_size for path in inputs.intent_files),
        "peopleBytes": sum(Path(path).stat().st_size for path in inputs.people_files),
    }


def time_shape(dataset: Path, config: dict[str, Any], repeat: int, backend: str) -> dict[str, Any]:
    walls, cpus, rss, results = [], [], [], None
    with tempfile.TemporaryDirectory(prefix="intent-run-cost-") as tmp:
        config_file = Path(tmp) / "config.json"
        config_file.write_text(json.dumps(config))
        for n in range(repeat):
            out = Path(tmp) / f"out-{n}"
            command = [intent_script(), "run", "--config", str(config_file)]
            command += ["--dataset", str(dataset), "--backend", backend, "--out", str(out)]
            measured = measure([*command, "--json"])
            walls.append(measured.seconds)
            cpus.append(measured.cpu_seconds)
            rss.append(measured.peak_rss_mib)
            results = json.loads(measured.stdout).get("resultCount", results)
    return {
        "wallSeconds": round(statistics.median(walls), 2),
        "wallRange": [round(min(walls), 2), round(max(walls), 2)],
        "cpuSeconds": round(statistics.median(cpus), 2),
        "peakRssMiB": round(statistics.median(rss)),
        "results": results,
    }


def fit(points: list[tuple[float, float]]) -> dict[str, float]:
    """Least squares `a + b x` through (x, y) points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0
    return {"a": round(mean_y - slope * mean_x, 3), "b": round(slope, 3)}


def measure_all(args: argparse.Namespace) -> dict[str, Any]:
    datasets = [dataset_facts(path) for path in args.datasets]
    shapes = args.shapes.split(",")
    runs: dict[str, list[dict[str, Any]]] = {shape: [] for shape in shapes}
    for dataset, path in zip(datasets, args.datasets, strict=True):
        mix = audience_mix(topic_popularity(path, dataset["date"]))
        for shape in shapes:
            timed = time_shape(path, mix[shape], args.repeat, args.backend)
            runs[shape].append({"scale": dataset["scale"], **timed})
            print(json.dumps({"shape": shape, **runs[shape][-1]}), file=sys.stderr, flush=True)
    fits = {
        shape: {
            "wall": fit([(r["scale"], r["wallSeconds"]) for r in rows]),
            "cpu": fit([(r["scale"], r["cpuSeconds"]) for r in rows]),
            "rssMiB": fit([(r["scale"], r["peakRssMiB"]) for r in rows]),
        }
        for shape, rows in runs.items()
    }
    return {"datasets": datasets, "runs": runs, "fits": fits, "machine": facts()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_cost")
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--shapes", default="selective,no_filters")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", default="auto")
    print(json.dumps(measure_all(parser.parse_args(argv)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
