"""Result rows as JSON text, one row group at a time: what a page of results is cut from.

Polars encodes the rows straight from Arrow, off the GIL and with no Python object per row. JSON
text never holds a raw newline, so the line ends of its NDJSON are exactly the row ends.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError


@dataclass(frozen=True)
class JsonRows:
    """Rows as JSON objects, each followed by a comma; `ends[i]` is the offset past row i's."""

    text: bytes
    ends: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.ends)

    @property
    def nbytes(self) -> int:
        return len(self.text) + self.ends.nbytes

    def cut(self, start: int, stop: int) -> memoryview:
        """Rows [start, stop) joined by commas, without copying; empty when there are none."""
        start, stop = max(start, 0), min(stop, len(self))
        if start >= stop:
            return memoryview(b"")
        begin = int(self.ends[start - 1]) if start > 0 else 0
        return memoryview(self.text)[begin : int(self.ends[stop - 1]) - 1]


def encode_row_group(results: pq.ParquetFile, group: int, columns: Sequence[str]) -> JsonRows:
    """Row group `group` of a results file as JSON rows holding `columns`, in that order."""
    if not 0 <= group < results.metadata.num_row_groups:
        raise SnapshotError(f"results file has no row group {group}")
    return encode_table(results.read_row_group(group, columns=list(columns)), columns)


def encode_table(table: pa.Table, columns: Sequence[str]) -> JsonRows:
    """The rows of `table` as JSON rows holding `columns`, in that order."""
    sink = io.BytesIO()
    pl.DataFrame(table.select(list(columns))).write_ndjson(sink)
    return from_lines(sink.getvalue())


def from_lines(lines: bytes) -> JsonRows:
    """JsonRows from NDJSON text (every line, the last included, ends with a newline)."""
    ends = np.flatnonzero(np.frombuffer(lines, dtype=np.uint8) == ord("\n")) + 1
    return JsonRows(lines.replace(b"\n", b","), ends.astype(np.int64))
