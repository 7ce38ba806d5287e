"""Exports of a run's results.parquet as CSV, Parquet or JSON Lines, streamed batch by batch.

CSV: the leaf fields in API.md order, dotted headers, topic ids `;`-joined, CSV-safe cells.
JSON Lines: one nested API result row per line (no rank, no personId), the shape results pages
serve. Parquet: `rank` then the nested API row (no personId), zstd.
"""

import contextlib
import hashlib
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Final, TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data.errors import ExportError
from data.snapshots.results_file import WRITER_OPTIONS
from engine.csvsafe import csv_safe_table
from engine.leaf_fields import ROW_FIELDS, flatten_rows

BATCH_ROWS: Final = 50_000
PARQUET_COLUMNS: Final = ("rank", *ROW_FIELDS)
_CSV_OPTIONS: Final = {"quoting_style": "needed", "quoting_header": "none"}


class ExportFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


CONTENT_TYPES: Final = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PARQUET: "application/vnd.apache.parquet",
    ExportFormat.JSONL: "application/x-ndjson",
}


@dataclass(frozen=True)
class ExportInfo:
    row_count: int
    byte_size: int
    sha256: str
    content_type: str


Results: TypeAlias = Path | pq.ParquetFile
Chunk: TypeAlias = bytes | memoryview


def iter_export(results: Results, fmt: str) -> Iterator[bytes]:
    """The export file as a stream of byte chunks, one per batch of rows (bounded memory)."""
    return (bytes(chunk) for chunk in _chunks(results, fmt))


def _chunks(results: Results, fmt: str) -> Iterator[Chunk]:
    """The export's chunks as the encoders make them, without copying them into bytes."""
    return _ENCODERS[export_format(fmt)](_open(results))


def write_export(results: Results, fmt: str, out: Path | IO[bytes]) -> ExportInfo:
    """Write the export to a file (atomically: temp file, fsync, rename) or a binary stream."""
    source = _open(results)
    digest, size = hashlib.sha256(), 0
    with _target(out) as sink:
        for chunk in _chunks(source, fmt):
            sink.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    rows = source.metadata.num_rows
    return ExportInfo(rows, size, digest.hexdigest(), CONTENT_TYPES[export_format(fmt)])


def export_format(fmt: str) -> ExportFormat:
    try:
        return ExportFormat(fmt)
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise ExportError(f"export format must be one of {choices}, got {fmt!r}") from None


def _open(results: Results) -> pq.ParquetFile:
    if isinstance(results, pq.ParquetFile):
        return results
    try:
        return pq.ParquetFile(results)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ExportError(f"cannot read results file {results}: {exc}") from exc


def _batches(source: pq.ParquetFile, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    yield from source.iter_batches(batch_size=BATCH_ROWS, columns=columns)


def _csv(source: pq.ParquetFile) -> Iterator[Chunk]:
    with_header = pacsv.WriteOptions(include_header=True, **_CSV_OPTIONS)
    without_header = pacsv.WriteOptions(include_header=False, **_CSV_OPTIONS)
    options = with_header
    for batch in _batches(source):
        yield _csv_chunk(batch, options)
        options = without_header
    if options is with_header:  # no rows: the header alone
        yield _csv_chunk(source.schema_arrow.empty_table(), with_header)


def _csv_chunk(rows: pa.RecordBatch | pa.Table, options: pacsv.WriteOptions) -> memoryview:
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(csv_safe_table(flatten_rows(rows)), buffer, write_options=options)
    return memoryview(buffer.getvalue())


def _jsonl(source: pq.ParquetFile) -> Iterator[Chunk]:
    for batch in _batches(source, list(ROW_FIELDS)):
        buffer = io.BytesIO()
        pl.DataFrame(batch).write_ndjson(buffer)
        yield buffer.getvalue()


def _parquet(source: pq.ParquetFile) -> Iterator[Chunk]:
    sink = _ChunkSink()
    schema = pa.schema([source.schema_arrow.field(name) for name in PARQUET_COLUMNS])
    with pq.ParquetWriter(sink, schema, **WRITER_OPTIONS) as writer:
        for batch in _batches(source, list(PARQUET_COLUMNS)):
            writer.write_batch(batch)
            yield sink.drain()
    yield sink.drain()


_ENCODERS: Final[dict[ExportFormat, Callable[[pq.ParquetFile], Iterator[Chunk]]]] = {
    ExportFormat.CSV: _csv,
    ExportFormat.PARQUET: _parquet,
    ExportFormat.JSONL: _jsonl,
}


class _ChunkSink(io.RawIOBase):
    """A write-only stream whose bytes are taken out in chunks as they are produced."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        chunk, self._chunks = b"".join(self._chunks), []
        return chunk


@contextlib.contextmanager
def _target(out: Path | IO[bytes]) -> Iterator[IO[bytes]]:
    if not isinstance(out, Path):
        yield out
        return
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
