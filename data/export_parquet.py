"""The Parquet export: `rank` and the API row of results.parquet, without its storage-only ids.

Its column chunks are copied from results.parquet as they are, never decoded or re-encoded, so
the export holds the same pages a fresh write of those columns would give, at the speed of a copy.
"""

from collections.abc import Iterator
from typing import Final

import pyarrow as pa

from data.errors import ExportError, ParquetFooterError
from data.parquet_footer import ReadAt, Struct, read_footer_at
from data.parquet_splice import Splicer, chunk_range, column_chunks, row_groups
from data.snapshots.results_file import ResultsFile, empty_file
from engine.leaf_fields import ROW_FIELDS
from engine.schema import RESULT_SCHEMA

PARQUET_COLUMNS: Final = ("rank", *ROW_FIELDS)
EXPORT_SCHEMA: Final = pa.schema([RESULT_SCHEMA.field(name) for name in PARQUET_COLUMNS])


def parquet_chunks(source: ResultsFile) -> Iterator[bytes]:
    """The export file in chunks of one row group each (then the footer)."""
    if not source.schema_arrow.equals(RESULT_SCHEMA):
        raise ExportError("results file does not have RESULT_SCHEMA; cannot export it as Parquet")
    kept = exported_columns(source)
    sink = _Chunks()
    with source.open_raw() as raw:
        try:
            footer, _ = read_footer_at(lambda at, size: raw.read_at(size, at), raw.size())
            splicer = Splicer(sink, empty_file(EXPORT_SCHEMA))
            for group in row_groups(footer):
                splicer.add_row_group(group, _group_reader(raw, group), kept)
                yield sink.drain()
            splicer.close()
        except ParquetFooterError as exc:
            raise ExportError(f"cannot export results file as Parquet: {exc}") from exc
    yield sink.drain()


def exported_columns(source: ResultsFile) -> list[int]:
    """Indexes of the leaf columns under the exported top-level fields."""
    paths = (source.schema.column(i).path for i in range(len(source.schema)))
    return [i for i, path in enumerate(paths) if path.split(".")[0] in PARQUET_COLUMNS]


def _group_reader(raw: pa.NativeFile, group: Struct) -> ReadAt:
    """Reads a row group's whole byte span once; its column chunks are then slices of it."""
    ranges = [chunk_range(chunk) for chunk in column_chunks(group)]
    start = min(at for at, _ in ranges)
    data = memoryview(raw.read_at(max(at + size for at, size in ranges) - start, start))
    return lambda at, size: data[at - start : at - start + size]


class _Chunks:
    """A write-only sink whose bytes are taken out in chunks as they are produced."""

    def __init__(self) -> None:
        self._parts: list[bytes | memoryview] = []

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(data)
        return len(data)

    def drain(self) -> bytes:
        chunk, self._parts = b"".join(self._parts), []
        return chunk
