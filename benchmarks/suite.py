"""The benchmark suite: `intent run` and the peers as whole processes, the engine in process, the
naive pandas baseline, their agreement, scaling and API figures, written as a report.

Run it alone on a quiet machine: `intent bench --report DIR` (`--quick` for a tiny check).
"""

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow.parquet as pq

from benchmarks import machine
from benchmarks.api_figures import api_figures
from benchmarks.api_server import intent_script
from benchmarks.audiences import audience_mix
from benchmarks.figures import spread
from benchmarks.plots import SCALING_SHAPES
from benchmarks.probe import ids_digest
from benchmarks.process import measure
from benchmarks.report import write_report
from benchmarks.settle import settle
from data.catalog import DatasetCatalog
from data.generator import generate

END_DATE: Final = date(2026, 11, 27)
FULL_SCALES: Final = "1,3,10"
QUICK_SCALES: Final = "0.01,0.03"
WHOLE: Final = ("intent run", "polars peer", "duckdb peer")
PEER_MODULES: Final = {
    "polars peer": "benchmarks.peers.polars_query",
    "duckdb peer": "benchmarks.peers.duckdb_query",
}
ENGINE_BACKENDS: Final = ("polars", "duckdb")
SETTLE_S: Final = 5.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--report", type=Path, help="write report.md, results.json and plots here")
    p.add_argument("--quick", action="store_true", help="tiny scales, one repeat, every path")
    p.add_argument("--scales", help=f"comma-separated scale factors (default {FULL_SCALES})")
    p.add_argument("--data-dir", type=Path, default=Path("bench-data"), help="datasets live here")
    p.add_argument("--repeat", type=int, help="runs per measurement (default 3; quick 1)")
    p.add_argument(
        "--pandas-max-scale",
        type=float,
        default=1.0,
        help="largest scale the naive pandas baseline runs at (default 1: it reads whole files)",
    )
    p.add_argument("--no-api", action="store_true", help="skip the API figures")
    p.add_argument("--audiences", default="", help="only these audiences (comma-separated)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    scales = [
        float(s)
        for s in (args.scales or (QUICK_SCALES if args.quick else FULL_SCALES)).split(",")
        if s
    ]
    repeat = args.repeat or (1 if args.quick else 3)
    data_dir: Path = args.data_dir / "quick" if args.quick else args.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    pandas = _pandas_note()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "repeat": repeat,
        "machine": machine.facts(),
        "pandas": pandas,
        "scales": [],
        "skipped": [],
    }
    for i, scale in enumerate(scales):
        # Quick mode keeps every path but runs the full mix at its first scale only.
        shapes = SCALING_SHAPES if args.quick and i else None
        reason = machine.room_for(scale, data_dir, _dataset_path(data_dir, scale).exists())
        if reason:
            _say(f"scale {scale:g} skipped: {reason}")
            results["skipped"].append({"scale": scale, "reason": reason})
            continue
        results["scales"].append(bench_scale(args, data_dir, scale, repeat, pandas is None, shapes))
    if 30.0 not in scales:
        results["scale30"] = machine.room_for(30.0, data_dir, _dataset_path(data_dir, 30).exists())
    if not args.no_api and results["scales"]:
        largest = results["scales"][-1]
        _say(f"API figures at scale {largest['scale']:g}")
        if not args.quick:
            settle(timeout_s=SETTLE_S)
        results["api"] = api_figures(
            Path(largest["dataset"]), largest["configs"], quick=args.quick, repeat=repeat
        )
    results["duration_s"] = time.monotonic() - started
    agreed = all(a["agree"] for s in results["scales"] for a in s["audiences"].values())
    if args.report:
        write_report(args.report, results)
        _say(f"wrote {args.report / 'report.md'}")
    else:
        print(json.dumps(results, indent=2))
    _say(f"done in {results['duration_s']:.0f} s; all agree: {'yes' if agreed else 'NO'}")
    return 0 if agreed else 1


def _pandas_note() -> str | None:
    """Why the naive pandas baseline cannot run, or None when it can."""
    if importlib.util.find_spec("pandas") is None:
        note = "pandas is not installed: the naive pandas baseline is skipped (pip install pandas)"
        _say(note)
        return note
    return None


def _dataset_path(root: Path, scale: float) -> Path:
    return root / f"s{scale:g}"


def ensure_dataset(root: Path, scale: float) -> Path:
    path = _dataset_path(root, scale)
    if not DatasetCatalog(path).complete_dates():
        _say(f"generating scale {scale:g} into {path} ...")
        generate(path, scale=scale, days=1, end_date=END_DATE, seed=42)
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


def bench_scale(
    args: argparse.Namespace,
    data_dir: Path,
    scale: float,
    repeat: int,
    with_pandas: bool,
    shapes: Sequence[str] | None = None,
) -> dict[str, Any]:
    dataset = ensure_dataset(data_dir, scale)
    day = DatasetCatalog(dataset).latest_complete_date()
    assert day is not None
    mix = audience_mix(topic_popularity(dataset, day))
    wanted = [a for a in args.audiences.split(",") if a] or shapes or list(mix)
    mix = {name: mix[name] for name in wanted}
    if not args.quick:
        settle(timeout_s=SETTLE_S)
    audiences = whole_processes(dataset, day, mix, repeat)
    for backend in ENGINE_BACKENDS:
        _in_process(audiences, f"engine {backend}", dataset, day, backend, mix, repeat)
    if with_pandas and scale <= args.pandas_max_scale:
        _in_process(audiences, "naive pandas", dataset, day, "pandas", mix, 0)
    for figures in audiences.values():
        digests = {tool["digest"] for tool in figures["tools"].values()}
        figures["agree"] = len(digests) == 1
    return {
        "scale": scale,
        "date": day,
        "dataset": str(dataset),
        "intent_rows": _intent_rows(dataset, day),
        "configs": mix,
        "audiences": audiences,
    }


def whole_processes(
    dataset: Path, day: str, mix: dict[str, dict[str, object]], repeat: int
) -> dict[str, Any]:
    """Each tool on each audience, `repeat` rounds interleaved so drift spreads over all."""
    samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
    found: dict[tuple[str, str], tuple[int, str]] = {}
    with tempfile.TemporaryDirectory(dir=dataset.parent, prefix=".bench-") as tmp:
        for round_ in range(repeat):
            for name, config in mix.items():
                for tool in WHOLE:
                    out = Path(tmp) / f"{tool.replace(' ', '-')}-{name}-{round_}"
                    measured = measure(_command(tool, name, dataset, day, config, out))
                    samples.setdefault((name, tool), []).append(
                        (measured.seconds, measured.peak_rss_mib)
                    )
                    if (name, tool) not in found:
                        found[(name, tool)] = _ranked_ids(tool, out)
                    _remove(out)
                    _say(f"  {dataset.name} {name:14} {tool:12} {measured.seconds:6.2f} s "
                         f"{measured.peak_rss_mib:6.0f} MiB")  # fmt: skip
    audiences: dict[str, Any] = {}
    for (name, tool), pairs in samples.items():
        results, digest = found[(name, tool)]
        tools = audiences.setdefault(name, {"tools": {}})["tools"]
        tools[tool] = {
            "seconds": spread([s for s, _ in pairs]),
            "rss_mib": spread([r for _, r in pairs]),
            "results": results,
            "digest": digest,
        }
    return audiences


def _remove(out: Path) -> None:
    if out.is_dir():
        shutil.rmtree(out)
    else:
        out.unlink(missing_ok=True)


def _command(
    tool: str, name: str, dataset: Path, day: str, config: dict[str, object], out: Path
) -> list[str]:
    if tool == "intent run":
        config_file = out.with_suffix(".json")
        config_file.write_text(json.dumps(config))
        return [intent_script(), "run", "--config", str(config_file), "--dataset", str(dataset),
                "--date", day, "--out", str(out), "--json"]  # fmt: skip
    return [sys.executable, "-m", PEER_MODULES[tool], name, str(dataset), day,
            json.dumps(config), str(out)]  # fmt: skip


def _ranked_ids(tool: str, out: Path) -> tuple[int, str]:
    """The result count and the digest of the ranked person ids a tool wrote."""
    path = out / "results.parquet" if tool == "intent run" else out
    ids = pq.ParquetFile(path).read(columns=["personId"]).column("personId")
    return len(ids), ids_digest(ids.to_numpy())


def _in_process(
    audiences: dict[str, Any],
    tool: str,
    dataset: Path,
    day: str,
    backend: str,
    mix: dict[str, dict[str, object]],
    repeat: int,
) -> None:
    cmd = [sys.executable, "-m", "benchmarks.probe", str(dataset), day, backend,
           json.dumps(mix), str(repeat)]  # fmt: skip
    measured = measure(cmd)
    got = json.loads(measured.stdout.strip().splitlines()[-1])
    for name, figures in got.items():
        audiences[name]["tools"][tool] = {
            "seconds": spread(figures["seconds"]),
            "rss_mib": None,
            "results": figures["results"],
            "digest": figures["digest"],
        }
    _say(f"  {dataset.name} {tool}: {measured.seconds:.1f} s for the mix")


def _intent_rows(dataset: Path, day: str) -> int:
    manifest = dataset / "intent" / f"data_date={day}" / "_manifest.json"
    return int(json.loads(manifest.read_text())["rowCount"])


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
