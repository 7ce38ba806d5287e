"""results.parquet: the rank-ordered result rows, written so that one table gives one set of bytes.

Fixed codec, level, dictionary columns and row groups; each row group is encoded from one
contiguous chunk, so how the engine happened to chunk its table never shows in the file.
"""

import hashlib
import io
import os
from pathlib import Path
from typing import IO, Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError
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
}


def encode_results(table: pa.Table, raw: IO[bytes]) -> dict[str, Any]:
    """Write the parquet bytes to `raw`; returns their size, row count and SHA-256."""
    table = conform(table)
    sink = _HashingSink(raw)
    with pq.ParquetWriter(sink, RESULT_SCHEMA, **WRITER_OPTIONS) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_ROWS):
            group = table.slice(start, ROW_GROUP_ROWS).combine_chunks()
            writer.write_table(group, row_group_size=ROW_GROUP_ROWS)
    return {"bytes": sink.size, "rows": table.num_rows, "sha256": sink.digest.hexdigest()}


def write_results(table: pa.Table, path: Path) -> dict[str, Any]:
    """Write and fsync the file; returns its manifest entry (path, bytes, rows, sha256)."""
    with path.open("wb") as raw:
        encoded = encode_results(table, raw)
        raw.flush()
        os.fsync(raw.fileno())
    return {"path": path.name, **encoded}


def conform(table: pa.Table) -> pa.Table:
    """The table with exactly RESULT_SCHEMA (no schema metadata, which would leak into bytes)."""
    if table.schema.equals(RESULT_SCHEMA):
        return table.replace_schema_metadata(None)
    try:
        return table.cast(RESULT_SCHEMA)
    except (ValueError, pa.ArrowInvalid) as exc:
        raise SnapshotError(f"result table does not match RESULT_SCHEMA: {exc}") from exc


class _HashingSink(io.RawIOBase):
    """Passes writes to a file and hashes them on the way, so the file is never read back."""

    def __init__(self, raw: IO[bytes]) -> None:
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
