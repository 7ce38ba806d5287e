"""Diffs of two snapshots: entered and exited rows are the set differences of their person ids,
each in its snapshot's rank order; rows and CSV are read from the row groups that hold them."""

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data.export_rows import csv_chunks, csv_rows_chunks
from data.snapshots import SnapshotStore
from data.snapshots.diff import (
    DIFF_PREVIOUS,
    Side,
    diff_snapshots,
    load_diff,
    page_rows,
    read_rows,
    stored_against,
)
from data.snapshots.results_file import ROW_GROUP_ROWS
from data.snapshots.store import PreviousRun
from tests.snapshots.conftest import MakeKey, Publish
from tests.snapshots.factories import make_result, result_table


def with_people(ids: list[int], seed: int = 0) -> pa.Table:
    """A result table whose rows (in rank order) are of these person ids."""
    table = result_table(len(ids), seed)
    column = table.schema.get_field_index("personId")
    return table.set_column(column, "personId", pa.array(ids, pa.int64()))


def expected(newer: list[int], older: list[int]) -> tuple[list[int], list[int], int]:
    old, new = set(older), set(newer)
    entered = [row for row, person in enumerate(newer) if person not in old]
    exited = [row for row, person in enumerate(older) if person not in new]
    return entered, exited, len(new & old)


def test_diff_is_the_set_differences_of_person_ids(store: SnapshotStore, publish: Publish) -> None:
    rng = np.random.default_rng(7)
    people = rng.permutation(60_000)
    newer = [int(p) for p in rng.permutation(people[:25_000])]
    older = [int(p) for p in rng.permutation(people[12_000:34_000])]
    new_ref = publish(with_people(newer, seed=1), run_id="new")
    old_ref = publish(with_people(older, seed=2), run_id="old")
    diff = diff_snapshots(store.open_results(new_ref), store.open_results(old_ref))
    entered, exited, stayed = expected(newer, older)
    assert (diff.entered.tolist(), diff.exited.tolist(), diff.stayed) == (entered, exited, stayed)
    assert diff.rows(Side.ENTERED) is diff.entered
    assert diff.rows(Side.EXITED) is diff.exited


def test_identical_and_empty_snapshots(store: SnapshotStore, publish: Publish) -> None:
    same = publish(with_people([5, 3, 9]), run_id="a")
    again = publish(with_people([9, 5, 3], seed=4), run_id="b")
    empty = publish(with_people([]), run_id="empty")
    opened = store.open_results
    unchanged = diff_snapshots(opened(same), opened(again))
    assert (unchanged.entered.tolist(), unchanged.exited.tolist(), unchanged.stayed) == ([], [], 3)
    everyone = diff_snapshots(opened(same), opened(empty))
    assert (everyone.entered.tolist(), everyone.exited.tolist()) == ([0, 1, 2], [])
    nobody = diff_snapshots(opened(empty), opened(same))
    assert (nobody.entered.tolist(), nobody.exited.tolist(), nobody.stayed) == ([], [0, 1, 2], 0)


def test_rows_are_read_at_their_numbers_across_row_groups(
    store: SnapshotStore, publish: Publish
) -> None:
    table = with_people(list(range(3 * ROW_GROUP_ROWS + 17)), seed=3)
    results = store.open_results(publish(table, run_id="big"))
    rows = np.array([0, 2, ROW_GROUP_ROWS - 1, ROW_GROUP_ROWS, 2 * ROW_GROUP_ROWS + 5,
                     3 * ROW_GROUP_ROWS + 16], dtype=np.int64)  # fmt: skip
    assert read_rows(results, rows).equals(table.take(pa.array(rows)))
    assert read_rows(results, page_rows(rows, 2, 3)).equals(table.take(pa.array(rows[2:5])))
    assert read_rows(results, rows[:0]).num_rows == 0
    assert read_rows(results, rows[:0], ["personId"]).column_names == ["personId"]


def test_csv_of_rows_is_the_csv_export_of_those_rows(
    store: SnapshotStore, publish: Publish
) -> None:
    table = with_people(list(range(2 * ROW_GROUP_ROWS + 100)), seed=5)
    results = store.open_results(publish(table, run_id="all"))
    rows = np.arange(3, table.num_rows, 7, dtype=np.int64)
    alone = store.open_results(publish(table.take(pa.array(rows)), run_id="some"))
    assert _joined(csv_rows_chunks(results, rows)) == _joined(csv_chunks(alone))
    header = _joined(csv_rows_chunks(results, rows[:0]))
    assert header == _joined(csv_chunks(store.open_results(publish(table.slice(0, 0)))))
    assert pacsv.read_csv(io.BytesIO(header)).num_rows == 0


def _joined(chunks: Iterable[bytes | memoryview]) -> bytes:
    return b"".join(bytes(chunk) for chunk in chunks)


def test_publish_stores_the_diff_against_the_previous_run(
    store: SnapshotStore, publish: Publish, make_key: MakeKey
) -> None:
    rng = np.random.default_rng(11)
    people = rng.permutation(30_000)
    newer = [int(p) for p in people[:14_000]]
    older = [int(p) for p in rng.permutation(people[9_000:21_000])]
    old_ref = publish(with_people(older, seed=2), run_id="old")
    new_ref = store.publish(
        make_key("new"),
        make_result(with_people(newer, seed=1)),
        attempt=1,
        stats={},
        manifest_extra={},
        previous=PreviousRun("old", old_ref.path),
    )
    entered, exited, stayed = expected(newer, older)
    summary = {"runId": "old", "entered": len(entered), "exited": len(exited), "stayed": stayed}
    assert new_ref.manifest["diffPrevious"] == summary
    data = store.read_bytes(new_ref, DIFF_PREVIOUS)
    listed = {entry["path"]: entry for entry in new_ref.manifest["files"]}
    assert listed[DIFF_PREVIOUS]["sha256"] == hashlib.sha256(data).hexdigest()
    stored = load_diff(data, new_ref.manifest)
    assert (stored.entered.tolist(), stored.exited.tolist(), stored.stayed) == (
        entered,
        exited,
        stayed,
    )
    people_column = pq.read_table(io.BytesIO(data)).column("personId").to_pylist()
    assert people_column == [newer[row] for row in entered] + [older[row] for row in exited]
    assert stored_against(new_ref.manifest) == "old"
    assert stored_against(old_ref.manifest) is None


def test_a_previous_snapshot_that_cannot_be_read_stores_no_diff(
    store: SnapshotStore, make_key: MakeKey, tmp_path: Path
) -> None:
    ref = store.publish(
        make_key("new"),
        make_result(with_people([1, 2])),
        attempt=1,
        stats={},
        manifest_extra={},
        previous=PreviousRun("gone", tmp_path / "gone"),
    )
    assert "diffPrevious" not in ref.manifest
    assert [entry["path"] for entry in ref.manifest["files"]] == ["results.parquet", "stats.json"]
