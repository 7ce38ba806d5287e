"""`validate_dataset`: every check of the contract over one dataset directory, read-only.

Layout, manifests and schemas are checked file by file; rows are checked by DuckDB queries, so one
date of ten million rows takes seconds.
"""

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from data import contract, duck
from data.validation import layout, rows
from data.validation.manifest import DateFiles, check_date_manifest, relative
from data.validation.report import Problem, ValidationReport, error
from engine.vocab import FIXED_VOCABULARIES

TOPIC_COLUMNS = ("topic_id", "type")
PEOPLE_COLUMNS = ("person_id", "hashed_email", *FIXED_VOCABULARIES)
INTENT_COLUMNS = ("person_id", "topic_id", "score")

Check = Callable[[duck.Connection, str], list[Problem]]


def validate_dataset(root: Path, dates: Sequence[str] | None = None) -> ValidationReport:
    """Check `root` against the contract: all complete dates, or only `dates`."""
    root = root.absolute()
    if not root.is_dir():
        return ValidationReport(str(root), [], [error(str(root), None, "not a directory")])
    complete, problems = layout.select_dates(root, dates)
    checked = [check_date_manifest(root, day) for day in complete]
    versions = None if dates is None else [day.people_version or "" for day in checked]
    topics = layout.topics_files(root)
    used = {day.people_version for day in checked if day.people_version}
    people = layout.people_files(root, versions, used)
    intent = {
        day.data_date: layout.usable_files(root, day.files, contract.INTENT_SCHEMA)
        for day in checked
    }
    problems += [problem for day in checked for problem in day.problems]
    problems += topics.problems + layout.missing_people(root)
    for usable in (*people.values(), *intent.values()):
        problems += usable.problems
    problems += _row_problems(topics, people, checked, intent)
    problems = [
        dataclasses.replace(item, file=relative(root, Path(item.file))) for item in problems
    ]
    return ValidationReport(str(root), complete, problems)


def _row_problems(
    topics: layout.Usable,
    people: dict[str, layout.Usable],
    checked: list[DateFiles],
    intent: dict[str, layout.Usable],
) -> list[Problem]:
    with duck.connect() as con:
        tables = _TableChecks(con)
        tables.run("topics", topics.files, TOPIC_COLUMNS, rows.check_topics)
        for version, usable in people.items():
            tables.run(_people_view(version), usable.files, PEOPLE_COLUMNS, rows.check_people)
        for day in checked:
            check = _intent_check(tables.ready, day.people_version)
            tables.run("intent", intent[day.data_date].files, INTENT_COLUMNS, check)
        return tables.problems


class _TableChecks:
    """Runs checks over views of Parquet files, remembering which views could be created."""

    def __init__(self, con: duck.Connection) -> None:
        self.con = con
        self.ready: set[str] = set()
        self.problems: list[Problem] = []

    def run(self, view: str, files: list[Path], columns: Sequence[str], check: Check) -> None:
        if not files:
            return
        try:
            rows.parquet_view(self.con, view, files, columns)
            self.ready.add(view)
            self.problems += check(self.con, view)
        except duckdb.Error as exc:
            message = f"could not read the files of {view}: {exc}"
            self.problems.append(error(str(files[0].parent), None, message))


def _intent_check(ready: set[str], people_version: str | None) -> Check:
    people = _people_view(people_version) if people_version else None
    references = rows.References(
        topics="topics" if "topics" in ready else None,
        people=people if people in ready else None,
        people_label=f"people version {people_version}",
    )
    return lambda con, view: rows.check_intent(con, view, references)


def _people_view(version: str) -> str:
    return f"people@{version}"
