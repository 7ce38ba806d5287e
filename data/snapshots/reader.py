"""Reading a snapshot directory: a page of results by row-group offsets, stats and manifest.

A page decodes only the row groups that hold its rows, found from the parquet footer.
"""

from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError
from data.snapshots.files import MANIFEST, RESULTS, STATS, read_json
from data.snapshots.results_file import ResultsFile
from engine.schema import RESULT_SCHEMA


def open_results(directory: Path) -> ResultsFile:
    path = directory / RESULTS
    try:
        return ResultsFile(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"cannot open {path}: {exc}") from exc


def read_page(results: pq.ParquetFile, offset: int, limit: int) -> tuple[pa.Table, int]:
    """Rows [offset, offset + limit) in rank order and the total; past the end gives no rows.

    Only the row groups holding the page are read, and only up to the page's last row, so a
    page at the start of a row group decodes `limit` rows rather than the whole group.
    """
    if offset < 0 or limit < 0:
        raise SnapshotError(f"page offset and limit must not be negative: {offset}, {limit}")
    total = results.metadata.num_rows
    end = min(offset + limit, total)
    if offset >= end:
        return RESULT_SCHEMA.empty_table(), total
    starts = row_group_starts(results.metadata)
    first = bisect_right(starts, offset) - 1
    last = bisect_right(starts, end - 1) - 1
    groups = range(first, last + 1)
    # One batch from the first group's start to the page's end: the rows before the page must
    # be decoded anyway, and the rows after it are never touched.
    size = end - starts[first]
    batches = results.iter_batches(batch_size=size, row_groups=groups, use_threads=False)
    return _rows(batches, offset - starts[first], end - offset, results.schema_arrow), total


def _rows(batches: Iterator[pa.RecordBatch], skip: int, count: int, schema: pa.Schema) -> pa.Table:
    """Rows [skip, skip + count) of a batch stream, decoding no batch past the last row."""
    kept: list[pa.RecordBatch] = []
    position = first_kept = 0
    for batch in batches:
        if position + batch.num_rows > skip:
            first_kept = first_kept if kept else position
            kept.append(batch)
        position += batch.num_rows
        if position >= skip + count:
            break
    return pa.Table.from_batches(kept, schema).slice(skip - first_kept, count)


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
