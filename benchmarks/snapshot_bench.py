"""Snapshot figures on a large run: publish, page reads at offset 0 and deep, stats, CSV export."""

import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from data.catalog import DatasetCatalog
from data.exports import write_export
from data.snapshots.local import LocalSnapshotStore
from data.snapshots.store import SnapshotKey
from engine.config_parse import parse_config
from engine.materialize import materialize
from engine.stats import compute_stats


def _median_ms(fn: Callable[[], object], repeat: int = 20) -> float:
    fn()  # warm the OS cache and any lazy imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure_snapshot(dataset: Path, day: str, raw: dict[str, object]) -> dict[str, str]:
    catalog = DatasetCatalog(dataset)
    result = materialize(catalog.resolve(day), parse_config(raw), "auto")
    rows = result.result_count
    with tempfile.TemporaryDirectory(dir=dataset.parent) as tmp:
        store = LocalSnapshotStore(Path(tmp))
        start = time.perf_counter()
        ref = store.publish(
            SnapshotKey("bench", "bench", "run"),
            result,
            attempt=1,
            stats=partial(compute_stats, result.table),
            manifest_extra={},
        )
        write_s = time.perf_counter() - start
        deep = max(0, min(1_000_000, rows - 100))
        page0 = _median_ms(lambda: store.read_page(ref, 0, 100))
        page_deep = _median_ms(lambda: store.read_page(ref, deep, 100))
        stats_ms = _median_ms(lambda: store.read_stats(ref))
        csv = Path(tmp) / "export.csv"
        start = time.perf_counter()
        info = write_export(ref.path / "results.parquet", "csv", csv)
        csv_s = time.perf_counter() - start
    return {
        "result rows": f"{rows:,}",
        "stats + publish (s)": f"{write_s:.2f}",
        "page of 100 at offset 0 (ms)": f"{page0:.1f}",
        f"page of 100 at offset {deep:,} (ms)": f"{page_deep:.1f}",
        "stats read (ms)": f"{stats_ms:.2f}",
        "CSV export (MB/s)": f"{info.byte_size / csv_s / 1e6:.0f} ({info.byte_size / 1e6:.0f} MB)",
    }
