"""Generated files follow data/contract.py: schemas, manifests, ordering and clustering."""

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from data import contract
from data.writer import INTENT_ORDER, PEOPLE_ORDER, is_sorted
from tests.generator.conftest import END_DATE, SMALL, dates


def test_dates_are_consecutive_and_end_on_the_end_date(dataset: Path) -> None:
    assert dates(dataset) == ["2026-11-25", "2026-11-26", END_DATE.isoformat()]


def test_topics_have_the_contract_schema(topics: pa.Table) -> None:
    assert topics.schema.equals(contract.TOPICS_SCHEMA)


def test_people_have_the_contract_schema(people: pa.Table) -> None:
    assert people.schema.equals(contract.PEOPLE_SCHEMA)


def test_intent_has_the_contract_schema(intent_days: list[pa.Table]) -> None:
    assert all(day.schema.equals(contract.INTENT_SCHEMA) for day in intent_days)


def test_manifest_lists_every_part_with_rows_bytes_and_sha256(dataset: Path) -> None:
    directory = contract.intent_dir(dataset, END_DATE.isoformat())
    manifest = json.loads((directory / contract.MANIFEST_NAME).read_text())
    parts = sorted(path.name for path in directory.glob("part-*.parquet"))
    assert [entry["path"] for entry in manifest["files"]] == parts
    for entry in manifest["files"]:
        path = directory / entry["path"]
        assert entry["bytes"] == path.stat().st_size
        assert entry["rows"] == pq.ParquetFile(path).metadata.num_rows
        assert len(entry["sha256"]) == 64


def test_manifest_names_the_date_people_version_and_row_count(dataset: Path) -> None:
    manifest = json.loads(contract.manifest_path(dataset, END_DATE.isoformat()).read_text())
    (version,) = (path.name.split("=", 1)[1] for path in (dataset / "people").iterdir())
    assert manifest["dataDate"] == END_DATE.isoformat()
    assert manifest["peopleVersion"] == version
    assert manifest["schemaVersion"] == contract.SCHEMA_VERSION
    assert manifest["rowCount"] == sum(entry["rows"] for entry in manifest["files"])


def test_intent_is_sorted_by_topic_then_score_desc_then_person(
    intent_days: list[pa.Table],
) -> None:
    assert all(is_sorted(day, INTENT_ORDER) for day in intent_days)


def test_intent_row_groups_use_the_contract_size(dataset: Path) -> None:
    path = next(contract.intent_dir(dataset, END_DATE.isoformat()).glob("part-*.parquet"))
    metadata = pq.ParquetFile(path).metadata
    sizes = [metadata.row_group(index).num_rows for index in range(metadata.num_row_groups)]
    assert max(sizes) <= contract.INTENT_ROW_GROUP


def test_people_are_lz4_but_hashed_email_and_identifiers_have_no_dictionary(
    dataset: Path,
) -> None:
    path = next((dataset / "people").glob("version=*/part-*.parquet"))
    group = pq.ParquetFile(path).metadata.row_group(0)
    chunks = {group.column(i).path_in_schema: group.column(i) for i in range(group.num_columns)}
    codecs = {name: chunk.compression for name, chunk in chunks.items()}
    assert codecs.pop("hashed_email") == "UNCOMPRESSED"
    assert set(codecs.values()) == {"LZ4"}
    dictionary = {name for name, chunk in chunks.items() if chunk.dictionary_page_offset}
    assert dictionary.isdisjoint(contract.PEOPLE_PLAIN_COLUMNS)
    assert {"seniority", "company_industry", "job_title"} <= dictionary


def test_intent_is_zstd(dataset: Path) -> None:
    path = next(contract.intent_dir(dataset, END_DATE.isoformat()).glob("part-*.parquet"))
    group = pq.ParquetFile(path).metadata.row_group(0)
    assert {group.column(i).compression for i in range(group.num_columns)} == {"ZSTD"}


def test_people_are_clustered_by_industry_then_seniority_then_id(people: pa.Table) -> None:
    assert is_sorted(people, PEOPLE_ORDER)


def test_person_ids_are_unique_and_start_at_one(people: pa.Table) -> None:
    ids = people.column("person_id").to_numpy()
    assert np.array_equal(np.sort(ids), np.arange(1, round(SMALL["scale"] * 1_000_000) + 1))


def test_topic_ids_are_unique_and_dense(topics: pa.Table) -> None:
    ids = topics.column("topic_id").to_numpy()
    assert np.array_equal(ids, np.arange(1, SMALL["topics"] + 1))


@pytest.mark.parametrize("column", ["person_id", "topic_id"])
def test_intent_ids_exist_in_their_tables(
    intent_days: list[pa.Table], people: pa.Table, topics: pa.Table, column: str
) -> None:
    known = (people if column == "person_id" else topics).column(column)
    used = pa.chunked_array([day.column(column) for day in intent_days])
    assert pc.all(pc.is_in(used, value_set=known.combine_chunks())).as_py()
