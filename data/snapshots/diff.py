"""The diff of two snapshots of an audience, people matched by person id.

`entered` are the rows of the newer snapshot whose person is not in the older one, `exited` the
rows of the older snapshot whose person is not in the newer one; both are row numbers, so in each
snapshot's rank order. Only the personId columns are read to compute it; rows are read later,
from the row groups that hold a page of them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from data.snapshots.reader import row_group_starts
from data.snapshots.results_file import ResultsFile

PERSON_ID: Final = "personId"
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
    starts = np.asarray(row_group_starts(results.metadata), dtype=np.int64)
    groups = np.searchsorted(starts, rows, side="right") - 1
    bounds = np.flatnonzero(np.diff(groups)) + 1
    for chunk in np.split(np.arange(len(rows)), bounds):
        group = int(groups[chunk[0]])
        table = results.read_row_group(group, columns=columns, use_threads=False)
        yield table.take(pa.array(rows[chunk] - starts[group]))


def page_rows(rows: Rows, offset: int, limit: int) -> Rows:
    return rows[offset : offset + limit]
