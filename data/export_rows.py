"""The export encoders: flat rows (CSV, JSON Lines) and Parquet, chunk by chunk in rank order.

Flat exports decode only the leaf columns they show (of the matched topics, only their ids); runs
of row groups are decoded one at a time from the shared reader and encoded on worker threads.
The Parquet export is `rank` and the nested API row (no personId), rewritten by pyarrow's writer
one row group at a time with the options of results.parquet.
"""

import io
import threading
from collections.abc import Callable, Iterator
from typing import Final, TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data.errors import ExportError
from data.parallel import DEFAULT_WORKERS, ordered_map
from data.snapshots.diff import Rows, read_rows
from data.snapshots.results_file import ResultsFile, writer_options
from engine.csvsafe import csv_safe_table
from engine.leaf_fields import LEAF_FIELDS, MATCHED_TOPICS, ROW_FIELDS, flatten_rows
from engine.schema import RESULT_SCHEMA

CHUNK_ROWS: Final = 20_000  # rows per encoded chunk (whole row groups): ~8 MB of CSV
WORKERS: Final = DEFAULT_WORKERS
FLAT_COLUMNS: Final = [
    *(name for name in LEAF_FIELDS if name != MATCHED_TOPICS),
    f"{MATCHED_TOPICS}.list.element.topicId",
]
PARQUET_COLUMNS: Final = ("rank", *ROW_FIELDS)
EXPORT_SCHEMA: Final = pa.schema([RESULT_SCHEMA.field(name) for name in PARQUET_COLUMNS])
_CSV_OPTIONS: Final = {"quoting_style": "needed", "quoting_header": "none"}

Chunk: TypeAlias = bytes | memoryview
# Encodes flat rows; the flag says whether this is the export's first chunk.
Encoder: TypeAlias = Callable[[pa.Table, bool], Chunk]


def csv_chunks(source: ResultsFile) -> Iterator[Chunk]:
    """CSV: dotted-name header, topic ids `;`-joined, formula-like cells prefixed with `'`."""
    return _flat_chunks(source, _csv)


def csv_rows_chunks(source: ResultsFile, rows: Rows) -> Iterator[Chunk]:
    """The rows at these row numbers (ascending) as `csv_chunks` writes them, CHUNK_ROWS at a
    time, reading only the row groups that hold them."""
    if len(rows) == 0:
        yield _csv(flatten_rows(source.schema_arrow.empty_table()), True)
        return
    for start in range(0, len(rows), CHUNK_ROWS):
        table = read_rows(source, rows[start : start + CHUNK_ROWS], FLAT_COLUMNS)
        yield _csv(flatten_rows(table), start == 0)


def jsonl_chunks(source: ResultsFile) -> Iterator[Chunk]:
    """JSON Lines: one flat object per row, dotted leaf names as keys in leaf order."""
    return _flat_chunks(source, _jsonl)


def parquet_chunks(source: ResultsFile) -> Iterator[Chunk]:
    """The Parquet export in chunks of one row group each, then the footer."""
    if not source.schema_arrow.equals(RESULT_SCHEMA):
        raise ExportError("results file does not have RESULT_SCHEMA; cannot export it as Parquet")
    sink = _Chunks()
    with pq.ParquetWriter(sink, EXPORT_SCHEMA, **writer_options(EXPORT_SCHEMA)) as writer:
        for group in range(source.metadata.num_row_groups):
            rows = source.read_row_group(group, columns=list(PARQUET_COLUMNS), use_threads=False)
            writer.write_table(rows, row_group_size=rows.num_rows)
            yield sink.drain()
    yield sink.drain()


def row_group_runs(metadata: pq.FileMetaData, rows: int) -> list[list[int]]:
    """Consecutive row groups in runs of at least `rows` rows (the last run may hold fewer)."""
    runs: list[list[int]] = []
    run: list[int] = []
    in_run = 0
    for index in range(metadata.num_row_groups):
        run.append(index)
        in_run += metadata.row_group(index).num_rows
        if in_run >= rows:
            runs.append(run)
            run, in_run = [], 0
    return [*runs, run] if run else runs


def _flat_chunks(source: ResultsFile, encode: Encoder) -> Iterator[Chunk]:
    runs = row_group_runs(source.metadata, CHUNK_ROWS)
    if not runs:  # no rows: what the encoder makes of none (the CSV header)
        yield encode(flatten_rows(source.schema_arrow.empty_table()), True)
        return
    reader = _SharedReader(source)

    def encode_run(task: tuple[int, list[int]]) -> Chunk:
        index, run = task
        return encode(flatten_rows(reader.read(run)), index == 0)

    yield from ordered_map(encode_run, enumerate(runs), WORKERS)


class _SharedReader:
    """One results file read by many worker threads, each decoding its runs of row groups with
    its own reader (opened once per thread, sharing the parsed footer), so decoding runs on
    every core."""

    def __init__(self, source: ResultsFile) -> None:
        self._source = source
        self._local = threading.local()

    def read(self, row_groups: list[int]) -> pa.Table:
        reader: ResultsFile | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = ResultsFile(self._source.source, metadata=self._source.metadata)
            self._local.reader = reader
        return reader.read_row_groups(row_groups, FLAT_COLUMNS, use_threads=False)


def _csv(rows: pa.Table, first: bool) -> memoryview:
    options = pacsv.WriteOptions(include_header=first, batch_size=CHUNK_ROWS, **_CSV_OPTIONS)
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(csv_safe_table(rows), buffer, write_options=options)
    return memoryview(buffer.getvalue())


def _jsonl(rows: pa.Table, first: bool) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows).write_ndjson(buffer)
    return buffer.getvalue()


class _Chunks:
    """A write-only stream whose bytes are taken out in chunks as the writer produces them."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(bytes(data))
        self._size += len(data)
        return len(data)

    def tell(self) -> int:
        return self._size

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def drain(self) -> bytes:
        chunk, self._parts = b"".join(self._parts), []
        return chunk
