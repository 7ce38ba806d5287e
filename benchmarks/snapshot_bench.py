"""Snapshot figures on a large run: publish, page reads at offset 0 and deep, stats, CSV export.

`python -m benchmarks.snapshot_bench DATASET DATE CONFIG_JSON` prints them as one JSON object.
"""

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Final

from data.catalog import DatasetCatalog
from data.exports import write_export
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.store import SnapshotKey
from engine.config import parse_config
from engine.materialize import materialize
from engine.stats import compute_stats

SNAPSHOT_REPEAT: Final = 3


def _seconds(fn: Callable[[int], object], repeat: int) -> list[float]:
    """How long each of `repeat` calls `fn(0)`, `fn(1)`, ... took."""
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return times


def _median_ms(fn: Callable[[], object], repeat: int = 20) -> float:
    fn()  # warm the OS cache and any lazy imports
    return statistics.median(_seconds(lambda _: fn(), repeat)) * 1000


def _spread(values: list[float], fmt: str) -> str:
    """`median (lowest-highest)` of figures that drift between runs on a shared machine."""
    median = statistics.median(values)
    return f"{median:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def measure_snapshot(
    dataset: Path, day: str, raw: dict[str, object], repeat: int = SNAPSHOT_REPEAT
) -> dict[str, str]:
    catalog = DatasetCatalog(dataset)
    result = materialize(catalog.resolve(day), parse_config(raw), "auto")
    rows = result.result_count
    with tempfile.TemporaryDirectory(dir=dataset.parent) as tmp:
        store = LocalSnapshotStore(Path(tmp))
        refs = []

        def publish(i: int) -> None:
            stats = partial(compute_stats, result.table)
            key = SnapshotKey("bench", "bench", f"run-{i}")
            refs.append(store.publish(key, result, attempt=1, stats=stats, manifest_extra={}))

        publish_s = _seconds(publish, repeat)
        ref = refs[0]
        deep = max(0, min(1_000_000, rows - 100))
        page0 = _median_ms(lambda: store.read_page(ref, 0, 100))
        page_deep = _median_ms(lambda: store.read_page(ref, deep, 100))
        stats_ms = _median_ms(lambda: store.read_stats(ref))
        csv = Path(tmp) / "export.csv"
        csv_s = _seconds(lambda _: write_export(store.open_results(ref), "csv", csv), repeat)
        csv_bytes = csv.stat().st_size
    return {
        "result rows": f"{rows:,}",
        f"stats + publish (s, {repeat} runs)": _spread(publish_s, ".2f"),
        "page of 100 at offset 0 (ms)": f"{page0:.1f}",
        f"page of 100 at offset {deep:,} (ms)": f"{page_deep:.1f}",
        "stats read (ms)": f"{stats_ms:.2f}",
        f"CSV export (MB/s, {repeat} runs; {csv_bytes / 1e6:.0f} MB)": _spread(
            [csv_bytes / s / 1e6 for s in csv_s], ".0f"
        ),
    }


if __name__ == "__main__":
    dataset, date, config_json = sys.argv[1:4]
    print(json.dumps(measure_snapshot(Path(dataset), date, json.loads(config_json))))
