"""Exports of a run's results.parquet as CSV, Parquet or JSON Lines, streamed chunk by chunk.

CSV and JSON Lines: the leaf fields in API.md order under their dotted names, topic ids
`;`-joined; CSV cells are CSV-safe. Parquet: `rank` then the nested API row (no personId), zstd.
"""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Final, TypeAlias

import pyarrow as pa

from data.errors import ExportError
from data.export_rows import (
    PARQUET_COLUMNS,
    Chunk,
    csv_chunks,
    csv_rows_chunks,
    jsonl_chunks,
    parquet_chunks,
)
from data.s3_uploads import abort_uploads
from data.snapshots.diff import Rows
from data.snapshots.results_file import ResultsFile
from data.storage import Store

__all__ = [
    "CONTENT_TYPES",
    "PARQUET_COLUMNS",
    "ExportFormat",
    "ExportInfo",
    "export_format",
    "iter_csv_rows",
    "iter_export",
    "partial_path",
    "remove_partials",
    "write_export",
    "write_export_to_store",
]


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


Results: TypeAlias = Path | ResultsFile


def iter_export(results: Results, fmt: str) -> Iterator[bytes]:
    """The export file as a stream of byte chunks of bounded size (bounded memory)."""
    return (bytes(chunk) for chunk in _chunks(_open(results), fmt))


def iter_csv_rows(results: ResultsFile, rows: Rows) -> Iterator[bytes]:
    """The CSV export of only the rows at these row numbers (ascending), in bounded chunks."""
    return (bytes(chunk) for chunk in csv_rows_chunks(results, rows))


def write_export(results: Results, fmt: str, out: Path | IO[bytes], attempt: int = 0) -> ExportInfo:
    """Write the export to a file (atomically: the attempt's partial file, fsync, rename) or a
    binary stream.

    Chunks are hashed and written here while the next ones are encoded on worker threads.
    """
    source = _open(results)
    digest, size = hashlib.sha256(), 0
    with _target(out, attempt) as sink:
        for chunk in _chunks(source, fmt):
            sink.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    rows = source.metadata.num_rows
    return ExportInfo(rows, size, digest.hexdigest(), CONTENT_TYPES[export_format(fmt)])


def write_export_to_store(
    results: Results, fmt: str, store: Store, key: str, attempt: int = 0
) -> ExportInfo:
    """Write the export to `key` of an object store: built in a local temporary file, then
    uploaded whole, so the object appears complete or not at all (a second attempt replaces
    it with the same bytes, and first aborts the upload an attempt killed mid-upload left
    open: on S3 its parts are kept, and billed, until then)."""
    abort_uploads(store, key, whole=True)
    with tempfile.TemporaryDirectory(prefix="intent-export-") as tmp:
        local = Path(tmp) / key.rpartition("/")[2]
        info = write_export(results, fmt, local, attempt)
        store.upload(local, key)
    return info


def export_format(fmt: str) -> ExportFormat:
    try:
        return ExportFormat(fmt)
    except ValueError:
        choices = ", ".join(f.value for f in ExportFormat)
        raise ExportError(f"export format must be one of {choices}, got {fmt!r}") from None


def _chunks(source: ResultsFile, fmt: str) -> Iterator[Chunk]:
    return _ENCODERS[export_format(fmt)](source)


_ENCODERS: Final[dict[ExportFormat, Callable[[ResultsFile], Iterator[Chunk]]]] = {
    ExportFormat.CSV: csv_chunks,
    ExportFormat.PARQUET: parquet_chunks,
    ExportFormat.JSONL: jsonl_chunks,
}


def _open(results: Results) -> ResultsFile:
    if isinstance(results, ResultsFile):
        return results
    try:
        return ResultsFile(results)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ExportError(f"cannot read results file {results}: {exc}") from exc


def partial_path(out: Path, attempt: int) -> Path:
    """Where attempt `attempt` writes `out` before publishing it by rename."""
    return out.with_name(f".{out.name}.{attempt}.partial")


def remove_partials(out: Path) -> list[Path]:
    """Remove the partial files of `out` that earlier attempts left (a killed writer)."""
    found = sorted(out.parent.glob(f".{out.name}.*.partial"))
    for path in found:
        path.unlink(missing_ok=True)
    return found


@contextlib.contextmanager
def _target(out: Path | IO[bytes], attempt: int) -> Iterator[IO[bytes]]:
    if not isinstance(out, Path):
        yield out
        return
    partial = partial_path(out, attempt)
    try:
        with partial.open("wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
