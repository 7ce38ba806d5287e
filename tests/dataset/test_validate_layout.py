"""Validator: layout, manifest and schema problems, each named with its file and column."""

import json
import shutil
from pathlib import Path

import pyarrow as pa

from data import contract
from data.validation import Problem, Severity, validate_dataset
from tests.dataset.conftest import DATES
from tests.dataset.files import (
    cast_column,
    edit_manifest,
    intent_file,
    rewrite,
    rewrite_signed,
    tree_state,
)


def only_error(dataset: Path) -> Problem:
    """The one error the validator reports for `dataset`."""
    report = validate_dataset(dataset)
    assert len(report.errors) == 1, report.errors
    return report.errors[0]


def manifest_name(data_date: str) -> str:
    return f"intent/data_date={data_date}/{contract.MANIFEST_NAME}"


def test_generated_dataset_is_valid(dataset: Path) -> None:
    report = validate_dataset(dataset)
    assert report.ok, report.problems
    assert report.dates == list(DATES)
    assert report.problems == []


def test_validation_never_writes_to_the_dataset(dataset: Path) -> None:
    rewrite(intent_file(dataset, DATES[0]), cast_column("score", pa.int32()))
    before = tree_state(dataset)
    validate_dataset(dataset)
    assert tree_state(dataset) == before


def test_missing_topics_file_is_an_error(dataset: Path) -> None:
    contract.topics_path(dataset).unlink()
    problem = only_error(dataset)
    assert (problem.file, problem.column) == ("topics.parquet", None)
    assert "missing topics" in problem.message


def test_missing_people_is_an_error(dataset: Path) -> None:
    shutil.rmtree(dataset / "people")
    report = validate_dataset(dataset)
    assert not report.ok
    assert any(p.file == "people" and "missing people" in p.message for p in report.errors)
    assert any(p.column == "peopleVersion" and "missing people" in p.message for p in report.errors)


def test_a_people_version_without_parts_is_an_error_when_a_date_uses_it(dataset: Path) -> None:
    [directory] = (dataset / "people").iterdir()
    for part in directory.iterdir():
        part.unlink()
    report = validate_dataset(dataset)
    assert any("the version has no part files" in p.message for p in report.errors)


def test_an_unused_people_version_without_parts_is_a_warning(dataset: Path) -> None:
    """What an ingest killed before its people upload leaves: the version's claim alone."""
    left = contract.people_dir(dataset, "left-1")
    left.mkdir()
    (left / "_claim").write_bytes(b"sha256:0")
    report = validate_dataset(dataset)
    assert report.ok, report.errors
    [problem] = report.warnings
    assert problem.file == "people/version=left-1"
    assert "no data date uses the version" in problem.message


def test_date_without_manifest_is_an_incomplete_warning_not_an_error(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[0]).unlink()
    report = validate_dataset(dataset)
    assert report.ok
    assert report.dates == [DATES[1]]
    [problem] = report.warnings
    assert problem.file == f"intent/data_date={DATES[0]}"
    assert "incomplete" in problem.message
    assert "ignored" in problem.message


def test_dataset_without_any_complete_date_is_invalid(dataset: Path) -> None:
    for data_date in DATES:
        contract.manifest_path(dataset, data_date).unlink()
    problem = only_error(dataset)
    assert problem.file == "intent"
    assert "no complete data date" in problem.message


def test_unparsable_manifest_is_an_error(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[1]).write_text("{not json")
    problem = only_error(dataset)
    assert problem.file == manifest_name(DATES[1])
    assert "not valid JSON" in problem.message


def test_manifest_naming_a_missing_file_is_an_error(dataset: Path) -> None:
    path = intent_file(dataset, DATES[0])
    path.unlink()
    problem = only_error(dataset)
    assert problem.file == f"intent/data_date={DATES[0]}/{path.name}"
    assert "missing" in problem.message


def test_checksum_mismatch_names_the_file_and_sha256(dataset: Path) -> None:
    edit_manifest(
        dataset, DATES[0], lambda m: {**m, "files": [{**m["files"][0], "sha256": "0" * 64}]}
    )
    problem = only_error(dataset)
    assert problem.file == f"intent/data_date={DATES[0]}/{intent_file(dataset, DATES[0]).name}"
    assert problem.column == "sha256"
    assert "checksum mismatch" in problem.message


def test_row_count_mismatch_names_the_file_and_rows(dataset: Path) -> None:
    def add_row(manifest: dict) -> dict:
        manifest["files"][0]["rows"] += 1
        manifest["rowCount"] += 1
        return manifest

    edit_manifest(dataset, DATES[1], add_row)
    problem = only_error(dataset)
    assert problem.column == "rows"
    assert "manifest says" in problem.message


def test_manifest_row_total_must_match_its_files(dataset: Path) -> None:
    edit_manifest(dataset, DATES[1], lambda m: {**m, "rowCount": m["rowCount"] + 5})
    problem = only_error(dataset)
    assert (problem.file, problem.column) == (manifest_name(DATES[1]), "rowCount")


def test_manifest_for_another_date_is_an_error(dataset: Path) -> None:
    edit_manifest(dataset, DATES[1], lambda m: {**m, "dataDate": DATES[0]})
    problem = only_error(dataset)
    assert (problem.file, problem.column) == (manifest_name(DATES[1]), "dataDate")


def test_rewritten_file_without_new_manifest_reports_size_and_checksum(dataset: Path) -> None:
    rewrite(intent_file(dataset, DATES[0]), lambda table: table.slice(1))
    columns = {problem.column for problem in validate_dataset(dataset).errors}
    assert {"bytes", "sha256", "rows"} <= columns


def test_wrong_column_type_names_the_file_and_column(dataset: Path) -> None:
    path = intent_file(dataset, DATES[0])
    rewrite_signed(dataset, path, cast_column("score", pa.int32()))
    problem = only_error(dataset)
    assert (problem.file, problem.column) == (f"intent/data_date={DATES[0]}/{path.name}", "score")
    assert "wrong type int32, expected int8" in problem.message


def test_missing_column_names_the_column(dataset: Path) -> None:
    path = intent_file(dataset, DATES[0])
    rewrite_signed(dataset, path, lambda table: table.drop_columns(["score"]))
    problem = only_error(dataset)
    assert problem.column == "score"
    assert "missing column" in problem.message


def test_wrong_topic_id_type_in_topics_is_an_error(dataset: Path) -> None:
    rewrite(contract.topics_path(dataset), cast_column("topic_id", pa.int64()))
    problem = only_error(dataset)
    assert (problem.file, problem.column) == ("topics.parquet", "topic_id")


def test_large_string_columns_match_the_contract(dataset: Path) -> None:
    rewrite(contract.topics_path(dataset), cast_column("name", pa.large_string()))
    assert validate_dataset(dataset).ok


def test_extra_column_is_a_warning(dataset: Path) -> None:
    path = intent_file(dataset, DATES[0])
    rewrite_signed(dataset, path, lambda t: t.append_column("note", pa.array(["x"] * len(t))))
    report = validate_dataset(dataset)
    assert report.ok
    assert [(p.severity, p.column) for p in report.warnings] == [(Severity.WARNING, "note")]


def test_asking_for_an_absent_date_is_an_error(dataset: Path) -> None:
    report = validate_dataset(dataset, ["2030-01-01"])
    assert not report.ok
    assert "no such data date" in report.errors[0].message


def test_asking_for_one_date_checks_only_that_date(dataset: Path) -> None:
    contract.manifest_path(dataset, DATES[0]).write_text("[]")
    report = validate_dataset(dataset, [DATES[1]])
    assert report.ok, report.problems
    assert report.dates == [DATES[1]]


def test_report_serializes_to_json(dataset: Path) -> None:
    contract.topics_path(dataset).unlink()
    document = json.loads(json.dumps(validate_dataset(dataset).to_dict()))
    assert document["ok"] is False
    assert document["problems"][0]["severity"] == "error"
