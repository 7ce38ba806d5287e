"""Reading a snapshot directory: a page of results by row-group offsets, stats and manifest.

A page decodes only the row groups that hold its rows, found from the parquet footer.
"""

from bisect import bisect_right
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError
from data.snapshots.files import MANIFEST, RESULTS, STATS, read_json
from engine.schema import RESULT_SCHEMA


def open_results(directory: Path, metadata: pq.FileMetaData | None = None) -> pq.ParquetFile:
    path = directory / RESULTS
    try:
        return pq.ParquetFile(path, metadata=metadata)
    except (OSError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"cannot open {path}: {exc}") from exc


def read_page(results: pq.ParquetFile, offset: int, limit: int) -> tuple[pa.Table, int]:
    """Rows [offset, offset + limit) in rank order and the total; past the end gives no rows."""
    if offset < 0 or limit < 0:
        raise SnapshotError(f"page offset and limit must not be negative: {offset}, {limit}")
    total = results.metadata.num_rows
    end = min(offset + limit, total)
    if offset >= end:
        return RESULT_SCHEMA.empty_table(), total
    starts = row_group_starts(results.metadata)
    first = bisect_right(starts, offset) - 1
    last = bisect_right(starts, end - 1) - 1
    table = results.read_row_groups(range(first, last + 1), use_threads=False)
    return table.slice(offset - starts[first], end - offset), total


def row_group_starts(metadata: pq.FileMetaData) -> list[int]:
    """The row number each row group starts at."""
    starts, position = [], 0
    for index in range(metadata.num_row_groups):
        starts.append(position)
        position += metadata.row_group(index).num_rows
    return starts


def read_stats(directory: Path) -> dict[str, Any]:
    return read_json(directory / STATS)


def read_manifest(directory: Path) -> dict[str, Any]:
    return read_json(directory / MANIFEST)
