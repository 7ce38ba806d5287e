"""Validator: row problems (nulls, duplicates, ranges, references, vocabularies) per file."""

from pathlib import Path

from data import contract
from data.validation import Problem, validate_dataset
from tests.dataset.conftest import DATES
from tests.dataset.files import (
    Transform,
    append_row,
    intent_file,
    people_file,
    rewrite,
    rewrite_signed,
    set_value,
)


def corrupt_intent(dataset: Path, transform: Transform) -> str:
    """Apply `transform` to the first intent file of the last date; its name as reported."""
    path = intent_file(dataset, DATES[-1])
    rewrite_signed(dataset, path, transform)
    return path.relative_to(dataset).as_posix()


def corrupt_people(dataset: Path, transform: Transform) -> str:
    path = people_file(dataset)
    rewrite(path, transform)
    return path.relative_to(dataset).as_posix()


def errors_of(dataset: Path) -> list[Problem]:
    report = validate_dataset(dataset)
    assert not report.ok
    return report.errors


def test_null_person_id_in_intent_is_an_error(dataset: Path) -> None:
    name = corrupt_intent(dataset, set_value("person_id", 0, None))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "person_id")
    assert "1 rows with a null person_id" in problem.message


def test_score_above_99_is_an_error(dataset: Path) -> None:
    name = corrupt_intent(dataset, set_value("score", 3, 120))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "score")
    assert "outside 0-99" in problem.message
    assert "120" in problem.message


def test_negative_score_is_an_error(dataset: Path) -> None:
    corrupt_intent(dataset, set_value("score", 0, -1))
    [problem] = errors_of(dataset)
    assert problem.column == "score"
    assert "-1" in problem.message


def test_duplicate_person_topic_rows_within_a_date_are_an_error(dataset: Path) -> None:
    name = corrupt_intent(dataset, append_row(0))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "person_id, topic_id")
    assert "1 duplicate (person_id, topic_id) values" in problem.message


def test_unknown_topic_id_in_intent_is_an_error(dataset: Path) -> None:
    name = corrupt_intent(dataset, set_value("topic_id", 0, 999_999))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "topic_id")
    assert "not in the topics table" in problem.message
    assert "999999" in problem.message


def test_intent_person_missing_from_people_is_an_error(dataset: Path) -> None:
    name = corrupt_intent(dataset, set_value("person_id", 0, 987_654_321))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "person_id")
    assert "not in people version" in problem.message
    assert "987654321" in problem.message


def test_duplicate_topic_ids_are_an_error(dataset: Path) -> None:
    rewrite(contract.topics_path(dataset), append_row(5))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == ("topics.parquet", "topic_id")
    assert "duplicate topic_id" in problem.message


def test_null_topic_id_in_topics_is_an_error(dataset: Path) -> None:
    rewrite(contract.topics_path(dataset), set_value("topic_id", 0, None))
    problems = errors_of(dataset)
    assert any(p.file == "topics.parquet" and "null topic_id" in p.message for p in problems)


def test_topic_type_outside_b2b_b2c_is_an_error(dataset: Path) -> None:
    rewrite(contract.topics_path(dataset), set_value("type", 0, "B2B"))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == ("topics.parquet", "type")


def test_duplicate_person_ids_are_an_error(dataset: Path) -> None:
    name = corrupt_people(dataset, append_row(0))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "person_id")
    assert "duplicate person_id" in problem.message


def test_null_person_id_in_people_is_an_error(dataset: Path) -> None:
    name = corrupt_people(dataset, set_value("person_id", 0, None))
    problems = errors_of(dataset)
    assert any((p.file, p.column) == (name, "person_id") and "null" in p.message for p in problems)


def test_value_outside_a_fixed_vocabulary_is_an_error(dataset: Path) -> None:
    name = corrupt_people(dataset, set_value("seniority", 0, "Director"))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "seniority")
    assert "fixed vocabulary" in problem.message
    assert "'Director'" in problem.message


def test_hashed_email_must_be_64_lower_case_hex(dataset: Path) -> None:
    name = corrupt_people(dataset, set_value("hashed_email", 0, "AB" * 32))
    [problem] = errors_of(dataset)
    assert (problem.file, problem.column) == (name, "hashed_email")
    assert "64 lower-case hex" in problem.message


def test_every_problem_is_reported_at_once(dataset: Path) -> None:
    corrupt_intent(
        dataset, lambda t: set_value("score", 0, 100)(set_value("topic_id", 1, 999_999)(t))
    )
    corrupt_people(dataset, set_value("gender", 0, "x"))
    columns = sorted(problem.column or "" for problem in errors_of(dataset))
    assert columns == ["gender", "score", "topic_id"]
