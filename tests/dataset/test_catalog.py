"""Catalog: complete dates, what one date resolves to, cached reads that notice changes."""

import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import contract
from data.catalog import DatasetCatalog
from data.errors import DataDateMissing, DatasetError
from engine.vocab import FIXED_VOCABULARIES
from tests.dataset.conftest import DATES
from tests.dataset.files import people_file, rewrite, set_value


def test_complete_dates_are_the_dates_with_a_manifest(dataset: Path) -> None:
    assert DatasetCatalog(dataset).complete_dates() == list(DATES)


def test_date_without_manifest_is_not_complete(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[1]).unlink()
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == [DATES[0]]
    assert catalog.latest_complete_date() == DATES[0]


def test_date_with_unparsable_manifest_is_not_complete(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[0]).write_text('{"files": [')
    assert DatasetCatalog(dataset).complete_dates() == [DATES[1]]


def test_staging_directories_are_not_dates(dataset: Path) -> None:
    staging = dataset / "intent" / f".staging-data_date=2030-01-01-{'a' * 32}"
    staging.mkdir()
    (staging / contract.MANIFEST_NAME).write_text("{}")
    assert DatasetCatalog(dataset).complete_dates() == list(DATES)


def test_new_manifest_is_seen_by_an_existing_catalog(dataset: Path) -> None:
    catalog = DatasetCatalog(dataset)
    path = contract.manifest_path(dataset, DATES[1])
    saved = path.read_bytes()
    path.unlink()
    assert catalog.complete_dates() == [DATES[0]]
    path.write_bytes(saved)
    assert catalog.complete_dates() == list(DATES)


def test_empty_directory_has_no_latest_date(tmp_path: Path) -> None:
    assert DatasetCatalog(tmp_path).latest_complete_date() is None


def test_manifest_of_incomplete_date_is_data_not_available(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[0]).unlink()
    with pytest.raises(DataDateMissing, match=DATES[0]):
        DatasetCatalog(dataset).manifest(DATES[0])


def test_resolve_lists_the_manifest_files_as_absolute_paths(dataset: Path) -> None:
    catalog = DatasetCatalog(dataset)
    found = catalog.resolve(DATES[0])
    names = [entry["path"] for entry in catalog.manifest(DATES[0])["files"]]  # type: ignore[attr-defined]
    assert [Path(path).name for path in found.intent_files] == names
    assert all(Path(path).is_absolute() and Path(path).is_file() for path in found.intent_files)
    assert found.data_date == DATES[0]


def test_resolve_reads_the_people_version_of_the_manifest(dataset: Path) -> None:
    catalog = DatasetCatalog(dataset)
    found = catalog.resolve(DATES[1])
    directory = contract.people_dir(catalog.root, catalog.people_version(DATES[1]))
    assert found.people_files == tuple(
        str(path) for path in sorted(directory.glob("part-*.parquet"))
    )
    assert found.topics_file == str(contract.topics_path(catalog.root))


def test_resolve_of_a_missing_date_is_data_not_available(dataset: Path) -> None:
    with pytest.raises(DataDateMissing):
        DatasetCatalog(dataset).resolve("2030-01-01")


def test_manifest_digest_is_the_sha256_of_its_bytes(dataset: Path) -> None:
    raw = contract.manifest_path(dataset, DATES[0]).read_bytes()
    assert DatasetCatalog(dataset).manifest_digest(DATES[0]) == hashlib.sha256(raw).hexdigest()


def test_topic_ids_are_reread_when_topics_change(dataset: Path) -> None:
    catalog = DatasetCatalog(dataset)
    before = catalog.topic_ids()
    path = contract.topics_path(dataset)
    rewrite(path, set_value("topic_id", 0, 777_777))
    os.utime(path, ns=(1, 1))  # a distinct mtime even on coarse clocks
    after = catalog.topic_ids()
    assert 777_777 in after
    assert 777_777 not in before
    assert len(after) == len(before)


def test_topics_table_has_the_contract_columns(dataset: Path) -> None:
    assert DatasetCatalog(dataset).topics().schema.names == contract.TOPICS_SCHEMA.names


def test_value_counts_count_each_non_null_value(dataset: Path) -> None:
    catalog = DatasetCatalog(dataset)
    counts = catalog.value_counts(["seniority", "gender"])
    people = pa.concat_tables(
        pq.read_table(path) for path in catalog.resolve(DATES[1]).people_files
    )
    expected = people.column("gender").drop_null().value_counts().to_pylist()
    assert counts["gender"] == {item["values"]: item["counts"] for item in expected}
    assert set(counts["seniority"]) <= set(FIXED_VOCABULARIES["seniority"])


def test_value_counts_of_an_unknown_column_is_an_error(dataset: Path) -> None:
    with pytest.raises(DatasetError, match="salary"):
        DatasetCatalog(dataset).value_counts(["salary"])


def _people(dataset: Path) -> pa.Table:
    files = DatasetCatalog(dataset).resolve(DATES[1]).people_files
    return pa.concat_tables(pq.read_table(path) for path in files)


def _present_count(table: pa.Table, column: str) -> int:
    values = table.column(column).to_pylist()
    return sum(1 for value in values if value is not None and value != "")


def test_presence_counts_count_present_and_absent_values(dataset: Path) -> None:
    people = _people(dataset)
    counts = DatasetCatalog(dataset).presence_counts(["phone", "linkedin_url"])
    present = _present_count(people, "phone")
    assert counts["phone"] == {"true": present, "false": people.num_rows - present}
    assert 0 < present < people.num_rows


def test_presence_counts_take_an_empty_value_as_absent(dataset: Path) -> None:
    rewrite(people_file(dataset), set_value("phone", 0, ""))
    counts = DatasetCatalog(dataset).presence_counts(["phone"])
    assert counts["phone"]["true"] == _present_count(_people(dataset), "phone")


def test_presence_counts_of_an_unknown_column_is_an_error(dataset: Path) -> None:
    with pytest.raises(DatasetError, match="salary"):
        DatasetCatalog(dataset).presence_counts(["salary"])
