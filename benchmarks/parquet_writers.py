"""The library Parquet writers side by side on one run's result table: Polars, DuckDB, pyarrow.

`python -m benchmarks.parquet_writers DATASET DATE CONFIG_JSON [REPEAT]` prints, per writer, the
seconds to write, fsync and SHA-256 results.parquet (median and range of REPEAT alternating rounds)
and the file size, as one JSON object. Each writer gets the options results.parquet would use:
zstd level 1 and 10,000-row groups.
"""

import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from data.catalog import DatasetCatalog
from engine.config import parse_config
from engine.materialize import materialize

ROWS: Final = 10_000


def _polars(table: pa.Table, path: Path) -> None:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    frame.write_parquet(path, compression="zstd", compression_level=1, row_group_size=ROWS)


def _duckdb(table: pa.Table, path: Path) -> None:
    con = duckdb.connect()
    con.register("results", table)
    con.execute(
        f"COPY results TO '{path}' "
        f"(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE {ROWS})"
    )
    con.close()


def _pyarrow(table: pa.Table, path: Path) -> None:
    with pq.ParquetWriter(path, table.schema, compression="zstd", compression_level=1) as w:
        w.write_table(table, row_group_size=ROWS)


WRITERS: Final[dict[str, Callable[[pa.Table, Path], None]]] = {
    "polars": _polars,
    "duckdb": _duckdb,
    "pyarrow": _pyarrow,
}


def _publish_like(write: Callable[[pa.Table, Path], None], table: pa.Table, path: Path) -> float:
    """Write, fsync and hash the file, as a publish does; returns the seconds taken."""
    start = time.perf_counter()
    write(table, path)
    with path.open("rb") as f:
        os.fsync(f.fileno())
        hashlib.file_digest(f, "sha256")
    return time.perf_counter() - start


def measure(dataset: Path, day: str, raw: dict[str, object], repeat: int) -> dict[str, str]:
    result = materialize(DatasetCatalog(dataset).resolve(day), parse_config(raw), "auto")
    times: dict[str, list[float]] = {name: [] for name in WRITERS}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=dataset.parent) as tmp:
        for _ in range(repeat):
            for name, write in WRITERS.items():
                path = Path(tmp) / f"{name}.parquet"
                times[name].append(_publish_like(write, result.table, path))
                sizes[name] = path.stat().st_size
                path.unlink()
    figures = {"result rows": f"{result.result_count:,}"}
    for name, values in times.items():
        figures[f"{name} write+fsync+sha256 (s)"] = (
            f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"
        )
        figures[f"{name} file (MB)"] = f"{sizes[name] / 1e6:.1f}"
    return figures


if __name__ == "__main__":
    dataset, date, config_json = sys.argv[1:4]
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    print(json.dumps(measure(Path(dataset), date, json.loads(config_json), repeat)))
