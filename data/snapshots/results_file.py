"""results.parquet: the rank-ordered result rows, written so that one table gives one set of bytes.

Fixed codec, level, dictionary columns and row groups; each row group is encoded from one
contiguous chunk, so how the engine happened to chunk its table never shows in the file. Row
groups are encoded on several threads and spliced in order: the bytes are those of one writer.
"""

import hashlib
import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from data.directfile import direct_file
from data.errors import SnapshotError
from data.parallel import DEFAULT_WORKERS, ordered_map
from data.parquet_splice import Sink, Splicer
from engine.schema import RESULT_SCHEMA

ROW_GROUP_ROWS: Final = 10_000
ZSTD_LEVEL: Final = 1  # level 3 gave no smaller files on result rows, only slower writes
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


DICTIONARY_COLUMNS: Final = [
    path for field in RESULT_SCHEMA for path in parquet_paths(field) if path not in PLAIN_COLUMNS
]
WRITER_OPTIONS: Final[dict[str, Any]] = {
    "compression": "zstd",
    "compression_level": ZSTD_LEVEL,
    "use_dictionary": DICTIONARY_COLUMNS,
    "write_statistics": ["rank"],  # lets readers prune by rank; pages use row-group offsets
    # A row group in one batch: the same pages as batches of 1,024 here, for 15% less CPU.
    "write_batch_size": ROW_GROUP_ROWS,
}


class ResultsFile(pq.ParquetFile):  # type: ignore[misc]  # pyarrow ships no types
    """A results.parquet opened for reading that can also hand out its raw bytes.

    Exports copy column chunks straight from those bytes instead of decoding and re-encoding.
    """

    def __init__(self, source: Path | pa.Buffer, metadata: pq.FileMetaData | None = None) -> None:
        self.source = source
        opened = str(source) if isinstance(source, Path) else pa.BufferReader(source)
        super().__init__(opened, metadata=metadata)

    def open_raw(self) -> pa.NativeFile:
        """A fresh random-access handle on the file's bytes (the caller closes it)."""
        if isinstance(self.source, Path):
            return pa.OSFile(str(self.source))
        return pa.BufferReader(self.source)


def encode_results(table: pa.Table, raw: Sink, workers: int = DEFAULT_WORKERS) -> dict[str, Any]:
    """Write the parquet bytes to `raw`; returns their size, row count and SHA-256."""
    table = conform(table)
    sink = _HashingSink(raw)
    splicer = Splicer(sink, empty_file(RESULT_SCHEMA))
    for part in ordered_map(encode_row_group, _row_groups(table), workers):
        splicer.add_file(memoryview(part))
    splicer.close()
    return {"bytes": sink.size, "rows": table.num_rows, "sha256": sink.digest.hexdigest()}


def write_results(table: pa.Table, path: Path) -> dict[str, Any]:
    """Write and fsync the file; returns its manifest entry (path, bytes, rows, sha256)."""
    with direct_file(path) as raw:
        encoded = encode_results(table, raw)
    return {"path": path.name, **encoded}


def conform(table: pa.Table) -> pa.Table:
    """The table with exactly RESULT_SCHEMA (no schema metadata, which would leak into bytes)."""
    if table.schema.equals(RESULT_SCHEMA):
        return table.replace_schema_metadata(None)
    try:
        return table.cast(RESULT_SCHEMA)
    except (ValueError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"result table does not match RESULT_SCHEMA: {exc}") from exc


def encode_row_group(rows: pa.Table) -> pa.Buffer:
    """One row group as a Parquet file of its own, encoded from one contiguous chunk."""
    sink = pa.BufferOutputStream()
    with pq.ParquetWriter(sink, rows.schema, **WRITER_OPTIONS) as writer:
        writer.write_table(rows.combine_chunks(), row_group_size=ROW_GROUP_ROWS)
    return sink.getvalue()


@cache
def empty_file(schema: pa.Schema) -> bytes:
    """A Parquet file of `schema` with no row groups: the footer template for spliced files."""
    sink = pa.BufferOutputStream()
    pq.ParquetWriter(sink, schema, **WRITER_OPTIONS).close()
    return bytes(sink.getvalue())


def _row_groups(table: pa.Table) -> Iterator[pa.Table]:
    for start in range(0, table.num_rows, ROW_GROUP_ROWS):
        yield table.slice(start, ROW_GROUP_ROWS)


class _HashingSink(io.RawIOBase):
    """Passes writes to a file and hashes them on the way, so the file is never read back."""

    def __init__(self, raw: Sink) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self._raw.write(data)
        self.digest.update(data)
        self.size += written
        return written

    def tell(self) -> int:
        return self.size
