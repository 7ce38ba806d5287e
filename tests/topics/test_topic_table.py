"""The per-date topic table: written with each date, equal to an independent computation, listed
in the manifest, checked by validate, and built for older dates by `intent data index`."""

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from cli.main import main
from data import contract, topic_stats
from data.validation import validate_dataset
from tests.topics import handmade, oracle


def _table(dataset: Path, data_date: str) -> dict[int, dict[str, object]]:
    stats = topic_stats.read(contract.intent_dir(dataset, data_date) / topic_stats.FILE_NAME)
    return {row["topic_id"]: row for row in stats.to_pylist()}


@pytest.mark.parametrize("data_date", handmade.DATES)
def test_written_table_equals_an_independent_computation(
    handmade_dataset: Path, data_date: str
) -> None:
    table = _table(handmade_dataset, data_date)
    expected = oracle.day_figures(handmade_dataset, data_date)
    assert set(table) == set(expected)
    for topic_id, row in table.items():
        want = expected[topic_id]
        average = topic_stats.average_score(
            int(str(row["audience_score_sum"])), int(str(row["unique_audience"]))
        )
        got = {
            "date": data_date,
            "uniqueAudience": row["unique_audience"],
            "totalSignals": row["total_signals"],
            "avgScore": average,
            "highAudience": row["high_audience"],
            "mediumAudience": row["medium_audience"],
            "lowAudience": row["low_audience"],
        }
        assert got == want, topic_id


def test_boundary_scores_fall_in_their_tiers(handmade_dataset: Path) -> None:
    row = _table(handmade_dataset, handmade.DATES[0])[1]  # 0, 49, 50, 69, 70, 89, 90, 99 twice
    assert (row["total_signals"], row["unique_audience"]) == (16, 12)
    assert (row["low_audience"], row["medium_audience"], row["high_audience"]) == (4, 4, 4)


def test_average_rounds_half_up_to_two_decimals(handmade_dataset: Path) -> None:
    row = _table(handmade_dataset, handmade.DATES[0])[2]  # 50 x 7 and 51: 50.125
    average = topic_stats.average_score(row["audience_score_sum"], row["unique_audience"])
    assert average == 50.13


def test_a_topic_without_rows_on_a_date_has_no_row_that_day(handmade_dataset: Path) -> None:
    assert 3 not in _table(handmade_dataset, handmade.DATES[1])


def test_manifest_lists_the_table_with_rows_bytes_and_checksum(handmade_dataset: Path) -> None:
    manifest = json.loads(contract.manifest_path(handmade_dataset, handmade.DATES[0]).read_text())
    entry = manifest[topic_stats.MANIFEST_KEY]
    path = contract.intent_dir(handmade_dataset, handmade.DATES[0]) / entry["path"]
    assert entry["rows"] == len(handmade.SCORES[handmade.DATES[0]])
    assert entry["bytes"] == path.stat().st_size
    assert len(entry["sha256"]) == 64


def test_compute_handles_sparse_ids_and_chunks_of_one_topic_split_apart() -> None:
    topic = [7, 7, 1_000_000_000, 7]
    batches = [
        pa.record_batch({"topic_id": pa.array(topic[:2], pa.int32()), "score": [50, 10]}),
        pa.record_batch({"topic_id": pa.array(topic[2:], pa.int32()), "score": [99, 90]}),
    ]
    rows = topic_stats.compute(batches).to_pylist()
    assert [r["topic_id"] for r in rows] == [7, 1_000_000_000]
    assert (rows[0]["total_signals"], rows[0]["unique_audience"], rows[0]["high_audience"]) == (
        3,
        2,
        1,
    )


def test_compute_of_no_rows_is_an_empty_table() -> None:
    empty = pa.table({"topic_id": pa.array([], pa.int32()), "score": pa.array([], pa.int8())})
    assert topic_stats.compute(empty).num_rows == 0


def test_average_of_no_audience_is_zero() -> None:
    assert topic_stats.average_score(0, 0) == 0.0
    assert topic_stats.average_score(int(np.int64(401)), 8) == 50.13


def _drop_tables(dataset: Path) -> None:
    """Make the dataset look written before the topic table existed."""
    for data_date in handmade.DATES:
        path = contract.manifest_path(dataset, data_date)
        manifest = json.loads(path.read_text())
        del manifest[topic_stats.MANIFEST_KEY]
        path.write_text(json.dumps(manifest))
        (path.parent / topic_stats.FILE_NAME).unlink()


def test_manifests_without_a_table_stay_valid(dataset_copy: Path) -> None:
    _drop_tables(dataset_copy)
    assert validate_dataset(dataset_copy).ok


def test_index_builds_the_table_of_older_dates(dataset_copy: Path) -> None:
    before = {d: _table(dataset_copy, d) for d in handmade.DATES}
    _drop_tables(dataset_copy)
    assert topic_stats.index_dataset(dataset_copy) == list(handmade.DATES)
    assert {d: _table(dataset_copy, d) for d in handmade.DATES} == before
    assert validate_dataset(dataset_copy).ok
    assert topic_stats.index_dataset(dataset_copy) == []  # nothing left to do


def test_index_command_reports_the_dates_as_json(
    dataset_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drop_tables(dataset_copy)
    with pytest.raises(SystemExit) as done:
        main(["data", "index", str(dataset_copy), "--json"])
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["indexed"] == list(handmade.DATES)


def test_validate_names_a_table_that_does_not_match_its_checksum(dataset_copy: Path) -> None:
    path = contract.intent_dir(dataset_copy, handmade.DATES[1]) / topic_stats.FILE_NAME
    path.write_bytes(path.read_bytes()[:-1] + b"x")
    report = validate_dataset(dataset_copy)
    assert not report.ok
    assert any(p.column == "sha256" and topic_stats.FILE_NAME in p.file for p in report.errors)


def test_validate_names_a_malformed_entry(dataset_copy: Path) -> None:
    path = contract.manifest_path(dataset_copy, handmade.DATES[0])
    manifest = json.loads(path.read_text())
    manifest[topic_stats.MANIFEST_KEY] = {"path": 3}
    path.write_text(json.dumps(manifest))
    report = validate_dataset(dataset_copy)
    assert any(p.column == topic_stats.MANIFEST_KEY for p in report.errors)
