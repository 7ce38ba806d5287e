"""results.parquet: the rank-ordered result rows, written by pyarrow's ParquetWriter.

Fixed codec, level, dictionary columns and row groups of ROW_GROUP_ROWS rows, each written from
one contiguous chunk: the same rows give the same bytes, however the engine chunked its table.
A results page reads only the row groups that hold its rows.
"""

import hashlib
from pathlib import Path
from typing import IO, Any, Final, Protocol, TypeAlias

import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError
from data.snapshots.remote_file import RemoteFile, open_remote
from engine.schema import RESULT_SCHEMA

ROW_GROUP_ROWS: Final = 10_000
ZSTD_LEVEL: Final = 1
# Near-unique text: a dictionary would be as large as the data and costs a hash lookup per value.
PLAIN_COLUMNS: Final = frozenset(
    {"rank", "personId", "hashedEmail", "fullName", "businessEmail", "personalEmail", "email",
     "primaryContactEmail", "phone", "linkedinUrl", "headline"}
)  # fmt: skip


def parquet_paths(field: pa.Field, prefix: str = "") -> list[str]:
    """The parquet column paths of an Arrow field (`intent.matchedTopics.list.element.score`)."""
    path = prefix + field.name
    if pa.types.is_struct(field.type):
        return [p for child in field.type for p in parquet_paths(child, path + ".")]
    if pa.types.is_list(field.type):
        return parquet_paths(field.type.value_field.with_name("element"), path + ".list.")
    return [path]


def writer_options(schema: pa.Schema) -> dict[str, Any]:
    """The ParquetWriter options of results.parquet, and of Parquet exports cut from it."""
    paths = [path for field in schema for path in parquet_paths(field)]
    return {
        "compression": "zstd",
        "compression_level": ZSTD_LEVEL,
        "use_dictionary": [path for path in paths if path not in PLAIN_COLUMNS],
        "write_statistics": [p for p in ("rank",) if p in paths],  # readers may prune by rank
        "write_batch_size": ROW_GROUP_ROWS,  # a row group in one batch: same pages, less CPU
    }


ResultsSource: TypeAlias = Path | pa.Buffer | RemoteFile


class ResultsFile(pq.ParquetFile):  # type: ignore[misc]  # pyarrow ships no types
    """A results.parquet opened for reading that remembers where it came from, so other
    threads can open readers of their own on it. A remote file is read by range requests
    (the column chunks of a row group coalesced into few of them)."""

    def __init__(self, source: ResultsSource, metadata: pq.FileMetaData | None = None) -> None:
        self.source = source
        remote = isinstance(source, RemoteFile)
        super().__init__(_opened(source), metadata=metadata, pre_buffer=remote)


def _opened(source: ResultsSource) -> str | pa.NativeFile:
    if isinstance(source, Path):
        return str(source)
    if isinstance(source, RemoteFile):
        return open_remote(source)
    return pa.BufferReader(source)


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


def write_table(table: pa.Table, out: Writable, schema: pa.Schema) -> None:
    """`table` as one Parquet file on `out`, in row groups of ROW_GROUP_ROWS rows."""
    with pq.ParquetWriter(out, schema, **writer_options(schema)) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_ROWS):
            rows = table.slice(start, ROW_GROUP_ROWS).combine_chunks()
            writer.write_table(rows, row_group_size=ROW_GROUP_ROWS)


def write_results(table: pa.Table, out: IO[bytes]) -> dict[str, Any]:
    """Write results.parquet to `out`; returns its size, row count and the SHA-256 of its bytes."""
    table = as_result_schema(table)
    sink = HashingWriter(out)
    write_table(table, sink, RESULT_SCHEMA)
    return {"bytes": sink.size, "rows": table.num_rows, "sha256": sink.digest.hexdigest()}


def as_result_schema(table: pa.Table) -> pa.Table:
    """The table with exactly RESULT_SCHEMA (no schema metadata, which would leak into bytes)."""
    if table.schema.equals(RESULT_SCHEMA):
        return table.replace_schema_metadata(None)
    try:
        return table.cast(RESULT_SCHEMA)
    except (ValueError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"result table does not match RESULT_SCHEMA: {exc}") from exc


class HashingWriter:
    """A write-only stream that passes bytes on and hashes them on the way (never read back)."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self.digest = hashlib.sha256()
        self.size = 0
        self.closed = False

    def write(self, data: bytes | memoryview) -> int:
        self._out.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self.closed = True
