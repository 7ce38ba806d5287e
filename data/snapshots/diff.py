"""The diff of two snapshots of an audience, people matched by person id.

`entered` are the rows of the newer snapshot whose person is not in the older one, `exited` the
rows of the older snapshot whose person is not in the newer one; both are row numbers, so in each
snapshot's rank order. Only the personId columns are read to compute it; rows are read later,
from the row groups that hold a page of them. Polars is imported when a diff is first computed,
so that publishing a snapshot without one (`intent run` on DuckDB) does not load it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from data.errors import SnapshotError

if TYPE_CHECKING:
    import polars as pl
from data.snapshots.results_file import ResultsFile

PERSON_ID: Final = "personId"
DIFF_PREVIOUS: Final = "diff_previous.parquet"
DIFF_MANIFEST_KEY: Final = "diffPrevious"  # {runId, entered, exited, stayed} in manifest.json
DIFF_SCHEMA: Final = pa.schema(
    [("side", pa.dictionary(pa.int8(), pa.string())), ("row", pa.int64()), (PERSON_ID, pa.int64())]
)
Rows = npt.NDArray[np.int64]


class Side(StrEnum):
    ENTERED = "entered"
    EXITED = "exited"


@dataclass(frozen=True)
class SnapshotDiff:
    """Row numbers of the people who entered (in the newer snapshot) and exited (in the older)."""

    entered: Rows
    exited: Rows
    stayed: int

    def rows(self, side: Side) -> Rows:
        return self.entered if side == Side.ENTERED else self.exited

    @property
    def nbytes(self) -> int:
        return int(self.entered.nbytes + self.exited.nbytes)


def person_ids(results: pq.ParquetFile) -> pl.Series:
    import polars as pl

    table = results.read(columns=[PERSON_ID], use_threads=False)
    return pl.Series(PERSON_ID, table.column(PERSON_ID).combine_chunks())


def diff_ids(newer: pl.Series, older: pl.Series) -> SnapshotDiff:
    """The diff of two person id columns, each in its snapshot's rank order."""

    kept_new = newer.is_in(older.implode())
    kept_old = older.is_in(newer.implode())
    entered = (~kept_new).arg_true().to_numpy().astype(np.int64)
    exited = (~kept_old).arg_true().to_numpy().astype(np.int64)
    return SnapshotDiff(entered, exited, int(kept_new.sum()))


def diff_snapshots(newer: pq.ParquetFile, older: pq.ParquetFile) -> SnapshotDiff:
    return diff_ids(person_ids(newer), person_ids(older))


def read_rows(results: ResultsFile, rows: Rows, columns: list[str] | None = None) -> pa.Table:
    """The rows at these row numbers (ascending), reading only the row groups that hold them."""
    parts = list(_row_group_parts(results, rows, columns))
    if parts:
        return pa.concat_tables(parts)
    if results.metadata.num_row_groups == 0 or columns is None:
        return results.schema_arrow.empty_table()
    return results.read_row_group(0, columns=columns, use_threads=False).slice(0, 0)


def _row_group_parts(
    results: ResultsFile, rows: Rows, columns: list[str] | None
) -> Iterator[pa.Table]:
    if len(rows) == 0:
        return
    metadata = results.metadata
    sizes = [metadata.row_group(group).num_rows for group in range(metadata.num_row_groups)]
    starts = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)[:-1]])
    groups = np.searchsorted(starts, rows, side="right") - 1
    bounds = np.flatnonzero(np.diff(groups)) + 1
    for chunk in np.split(np.arange(len(rows)), bounds):
        group = int(groups[chunk[0]])
        table = results.read_row_group(group, columns=columns, use_threads=False)
        yield table.take(pa.array(rows[chunk] - starts[group]))


@dataclass(frozen=True)
class PreviousIds:
    """The run a snapshot being published is diffed against, and how to read its person ids."""

    run_id: str
    read: Callable[[], pl.Series]


@dataclass(frozen=True)
class StoredDiff:
    """diff_previous.parquet's bytes and the manifest's summary of it."""

    data: bytes
    summary: dict[str, Any]


def stored_diff(table: pa.Table, previous: PreviousIds) -> StoredDiff | None:
    """The diff of a result table against the previous snapshot, as it is stored beside it;
    None when the previous snapshot cannot be read (then diffs are computed on demand)."""
    import polars as pl

    try:
        older = previous.read()
    except SnapshotError:
        return None
    newer = pl.Series(PERSON_ID, table.column(PERSON_ID).combine_chunks())
    diff = diff_ids(newer, older)
    sides = np.repeat(np.array([0, 1], np.int8), [len(diff.entered), len(diff.exited)])
    names = pa.array([Side.ENTERED.value, Side.EXITED.value])
    people = [newer.to_numpy()[diff.entered], older.to_numpy()[diff.exited]]
    rows = pa.table(
        [
            pa.DictionaryArray.from_arrays(pa.array(sides), names),
            pa.array(np.concatenate([diff.entered, diff.exited]), pa.int64()),
            pa.array(np.concatenate(people), pa.int64()),
        ],
        schema=DIFF_SCHEMA,
    )
    sink = io.BytesIO()
    pq.write_table(rows, sink, compression="zstd")
    summary = {
        "runId": previous.run_id,
        Side.ENTERED.value: len(diff.entered),
        Side.EXITED.value: len(diff.exited),
        "stayed": diff.stayed,
    }
    return StoredDiff(sink.getvalue(), summary)


def stored_against(manifest: Mapping[str, Any]) -> str | None:
    """The run id the snapshot's stored diff is against, None when it has none."""
    summary = manifest.get(DIFF_MANIFEST_KEY)
    return None if summary is None else str(summary["runId"])


def load_diff(data: bytes, manifest: Mapping[str, Any]) -> SnapshotDiff:
    """The stored diff read back from diff_previous.parquet and the manifest's summary."""
    import polars as pl

    frame = pl.DataFrame(pq.read_table(io.BytesIO(data), columns=["side", "row"]))

    def rows_of(side: Side) -> Rows:
        found = frame.filter(pl.col("side") == side.value)["row"]
        return found.to_numpy().astype(np.int64)

    stayed = int(manifest[DIFF_MANIFEST_KEY]["stayed"])
    return SnapshotDiff(rows_of(Side.ENTERED), rows_of(Side.EXITED), stayed)


def page_rows(rows: Rows, offset: int, limit: int) -> Rows:
    return rows[offset : offset + limit]
