"""data.writer: contract casts, sorted parts, and staged publishing that never shows half a date."""

import json
import os
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import contract, writer
from data.errors import ColumnTypeError, DatasetError, DateExistsError

DAY = "2026-11-27"
MakeIntent = Callable[..., pa.Table]


@pytest.fixture
def make_intent() -> MakeIntent:
    """An intent table of `rows` rows (unsorted, plain Python types) with column overrides."""

    def make(rows: int = 20, **columns: list[object]) -> pa.Table:
        data: dict[str, list[object]] = {
            "person_id": [(index * 7) % rows + 1 for index in range(rows)],
            "topic_id": [index % 3 + 1 for index in range(rows)],
            "score": [(index * 37) % 100 for index in range(rows)],
        }
        return pa.table(data | columns)

    return make


@pytest.fixture
def make_people() -> Callable[..., pa.Table]:
    """A people table of the given rows; columns not given are null."""

    def make(*rows: dict[str, object]) -> pa.Table:
        blank = dict.fromkeys(contract.PEOPLE_TEXT_COLUMNS)
        return pa.Table.from_pylist([blank | row for row in rows], schema=contract.PEOPLE_SCHEMA)

    return make


def crash(*args: object) -> None:
    raise OSError("power lost")


def visible_dates(dataset: Path) -> list[str]:
    return sorted(path.name for path in (dataset / "intent").iterdir() if path.name[0] != ".")


def read_date(dataset: Path, day: str = DAY) -> pa.Table:
    files = sorted(contract.intent_dir(dataset, day).glob("part-*.parquet"))
    return pa.concat_tables(pq.read_table(path) for path in files)


def test_rows_are_written_sorted_with_contract_types(
    tmp_path: Path, make_intent: MakeIntent
) -> None:
    writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    table = read_date(tmp_path)
    assert table.schema.equals(contract.INTENT_SCHEMA)
    assert (
        table.to_pylist()
        == make_intent().cast(contract.INTENT_SCHEMA).sort_by(list(writer.INTENT_ORDER)).to_pylist()
    )


def test_returned_manifest_is_the_written_manifest(tmp_path: Path, make_intent: MakeIntent) -> None:
    manifest = writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    assert json.loads(contract.manifest_path(tmp_path, DAY).read_text()) == manifest
    assert manifest["rowCount"] == 20


def test_a_value_that_cannot_be_cast_names_its_column(
    tmp_path: Path, make_intent: MakeIntent
) -> None:
    bad = make_intent(rows=2, score=[1, 300])
    with pytest.raises(ColumnTypeError, match="'score'"):
        writer.write_intent_date(tmp_path, DAY, bad, "v1")


def test_a_missing_column_is_named(tmp_path: Path, make_intent: MakeIntent) -> None:
    with pytest.raises(ColumnTypeError, match="'topic_id' is missing"):
        writer.write_intent_date(tmp_path, DAY, make_intent().drop_columns("topic_id"), "v1")


def test_nulls_in_an_id_column_are_refused(tmp_path: Path, make_intent: MakeIntent) -> None:
    with pytest.raises(ColumnTypeError, match="'person_id' has 1 nulls"):
        writer.write_intent_date(tmp_path, DAY, make_intent(rows=2, person_id=[1, None]), "v1")


def test_an_existing_complete_date_is_refused_without_replace(
    tmp_path: Path, make_intent: MakeIntent
) -> None:
    writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    with pytest.raises(DateExistsError, match=DAY):
        writer.write_intent_date(tmp_path, DAY, make_intent(rows=5), "v1")
    assert len(read_date(tmp_path)) == 20


def test_replace_swaps_in_the_new_rows(tmp_path: Path, make_intent: MakeIntent) -> None:
    writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    writer.write_intent_date(tmp_path, DAY, make_intent(rows=5), "v2", replace=True)
    assert len(read_date(tmp_path)) == 5
    assert os.listdir(tmp_path / "intent") == [f"data_date={DAY}"]


def test_a_crash_before_the_rename_leaves_no_visible_date(
    tmp_path: Path, make_intent: MakeIntent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer.os, "rename", crash)
    with pytest.raises(OSError, match="power lost"):
        writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    assert visible_dates(tmp_path) == []


def test_a_failed_write_removes_its_staging_directory(
    tmp_path: Path, make_intent: MakeIntent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer.os, "rename", crash)
    with pytest.raises(OSError, match="power lost"):
        writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    assert os.listdir(tmp_path / "intent") == []


def test_a_crash_while_replacing_keeps_the_old_complete_date(
    tmp_path: Path, make_intent: MakeIntent, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    monkeypatch.setattr(writer, "_fsync_dir", crash)
    with pytest.raises(OSError, match="power lost"):
        writer.write_intent_date(tmp_path, DAY, make_intent(rows=5), "v1", replace=True)
    assert len(read_date(tmp_path)) == 20


def test_a_leftover_date_without_manifest_is_replaced(
    tmp_path: Path, make_intent: MakeIntent
) -> None:
    leftover = contract.intent_dir(tmp_path, DAY)
    leftover.mkdir(parents=True)
    (leftover / "part-00000.parquet").write_bytes(b"half a file")
    writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    assert len(read_date(tmp_path)) == 20


def test_big_dates_are_split_into_sorted_parts(
    tmp_path: Path, make_intent: MakeIntent, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PART_ROWS", 8)
    manifest = writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
    assert [entry["rows"] for entry in manifest["files"]] == [8, 8, 4]  # type: ignore[attr-defined]
    assert writer.is_sorted(read_date(tmp_path), writer.INTENT_ORDER)


def test_an_empty_date_still_has_one_part_with_the_schema(tmp_path: Path) -> None:
    empty = contract.INTENT_SCHEMA.empty_table()
    manifest = writer.write_intent_date(tmp_path, DAY, empty, "v1")
    assert manifest["rowCount"] == 0
    assert read_date(tmp_path).schema.equals(contract.INTENT_SCHEMA)


def test_people_versions_are_replaced_whole(
    tmp_path: Path, make_people: Callable[..., pa.Table]
) -> None:
    writer.write_people(tmp_path, "v1", make_people(*({"person_id": i} for i in range(1, 6))))
    writer.write_people(tmp_path, "v1", make_people({"person_id": 9}))
    assert pq.read_table(contract.people_dir(tmp_path, "v1")).column("person_id").to_pylist() == [9]
    assert os.listdir(tmp_path / "people") == ["version=v1"]


def test_people_batches_are_written_in_order_across_parts(
    tmp_path: Path, make_people: Callable[..., pa.Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PART_ROWS", 3)
    batches = [
        make_people(*({"person_id": i} for i in range(start, start + 2))) for start in (1, 3, 5)
    ]
    writer.write_people(tmp_path, "v1", iter(batches))
    files = sorted(contract.people_dir(tmp_path, "v1").glob("*.parquet"))
    assert [pq.ParquetFile(path).metadata.num_rows for path in files] == [3, 3]
    ids = pa.concat_tables(pq.read_table(path) for path in files).column("person_id")
    assert ids.to_pylist() == [1, 2, 3, 4, 5, 6]


def test_people_batches_out_of_cluster_order_are_refused(
    tmp_path: Path, make_people: Callable[..., pa.Table]
) -> None:
    batches = [make_people({"person_id": 2}), make_people({"person_id": 1})]
    with pytest.raises(DatasetError, match="order"):
        writer.write_people(tmp_path, "v1", iter(batches))
    assert not contract.people_dir(tmp_path, "v1").exists()


def test_people_missing_a_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ColumnTypeError, match="'hashed_email' is missing"):
        writer.write_people(tmp_path, "v1", pa.table({"person_id": [1]}))


def test_people_are_clustered_with_nulls_last(
    tmp_path: Path, make_people: Callable[..., pa.Table]
) -> None:
    table = make_people(
        {"person_id": 3, "company_industry": None, "seniority": "vp"},
        {"person_id": 2, "company_industry": "retail", "seniority": None},
        {"person_id": 1, "company_industry": "retail", "seniority": "vp"},
        {"person_id": 4, "company_industry": "banking", "seniority": "vp"},
    )
    writer.write_people(tmp_path, "v1", table)
    written = pq.read_table(contract.people_dir(tmp_path, "v1"))
    assert written.column("person_id").to_pylist() == [4, 1, 2, 3]


def test_topics_file_is_replaced_atomically(tmp_path: Path) -> None:
    def topics(count: int) -> pa.Table:
        return pa.table(
            {
                "topic_id": list(range(count, 0, -1)),
                "name": ["t"] * count,
                "type": ["b2b"] * count,
                "industry": ["software"] * count,
                "category": ["crm"] * count,
                "keywords": [["crm"]] * count,
            }
        )

    writer.write_topics(tmp_path, topics(3))
    writer.write_topics(tmp_path, topics(2))
    written = pq.read_table(contract.topics_path(tmp_path))
    assert written.column("topic_id").to_pylist() == [1, 2]
    assert os.listdir(tmp_path) == ["topics.parquet"]


def test_sort_check_treats_nulls_as_last() -> None:
    table = pa.table({"a": [1, 2, None, None], "b": [5, 4, 9, 1]})
    assert writer.is_sorted(table, [("a", "ascending"), ("b", "descending")])
    assert not writer.is_sorted(table, [("a", "ascending"), ("b", "ascending")])


def test_a_concurrent_publish_is_reported(
    tmp_path: Path, make_intent: MakeIntent, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_rename = os.rename

    def racing(source: Path, target: Path) -> None:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / "other").write_text("another writer")
        real_rename(source, target)

    monkeypatch.setattr(writer.os, "rename", racing)
    with pytest.raises(DatasetError, match="concurrently"):
        writer.write_intent_date(tmp_path, DAY, make_intent(), "v1")
