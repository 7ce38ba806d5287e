"""Ingest: a user's intent (and optionally people and topics) files become one complete data date.

Inputs are read, cast and checked in memory first; only data that passes the row checks reaches
the writer, which publishes atomically, so a bad file or a crash never leaves a visible date.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa

from data import contract, duck, writer
from data.catalog import DatasetCatalog, is_iso_date
from data.errors import DataDateMissing, DateExistsError, IngestError
from data.generator.progress import Progress, Report
from data.ingest_read import read_input
from data.validation.report import Problem, Severity
from data.validation.rows import (
    References,
    check_intent,
    check_people,
    check_topics,
    orphan_problems,
    parquet_view,
)

TOPICS: Final = "topics"
PEOPLE: Final = "people"
INTENT: Final = "intent"
VERSION_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # one safe directory name


# Relative cost of each stage, for the progress fraction (reading and sorting dominate).
INGEST_STAGES: Final = (("reading", 4.0), ("checking", 2.0), ("writing", 4.0))


@dataclass(frozen=True)
class IngestRequest:
    dataset: Path
    data_date: str
    intent: Path
    people: Path | None = None
    topics: Path | None = None
    people_version: str | None = (
        None  # default: the dataset's current one, or a new one for `people`
    )
    replace: bool = False
    ignore_extra: bool = False


@dataclass(frozen=True)
class IngestResult:
    data_date: str
    people_version: str
    manifest: dict[str, object]
    people_rows: int | None  # None when people were not ingested
    topics_rows: int | None

    def to_dict(self) -> dict[str, object]:
        return {
            "dataDate": self.data_date,
            "peopleVersion": self.people_version,
            "rowCount": self.manifest["rowCount"],
            "peopleRows": self.people_rows,
            "topicsRows": self.topics_rows,
            "manifest": self.manifest,
        }


def ingest(request: IngestRequest, progress: Report | None = None) -> IngestResult:
    """Ingest one data date; raises IngestError (naming file and column) and publishes nothing.
    `progress` hears each stage as it starts, with the overall fraction done."""
    stages = Progress(progress, INGEST_STAGES)
    catalog = DatasetCatalog(request.dataset)
    _check_request(request, catalog)
    version = _people_version(request, catalog)
    with duck.connect() as con:
        stages.stage("reading")
        _load(con, request)
        stages.stage("checking")
        _check_rows(con, request, catalog, version)
        tables = {name: con.table(_table(name)).to_arrow_table() for name in _loaded(request)}
    stages.stage("writing")
    result = _publish(request, version, tables)
    stages.finish()
    return result


def _check_request(request: IngestRequest, catalog: DatasetCatalog) -> None:
    if not is_iso_date(request.data_date):
        raise IngestError(f"--date {request.data_date!r} is not a date (YYYY-MM-DD)")
    if request.people_version is not None and not VERSION_NAME.fullmatch(request.people_version):
        raise IngestError(
            f"--people-version {request.people_version!r}: use letters, digits, . _ -"
        )
    for path in (request.intent, request.people, request.topics):
        if path is not None and not path.is_file():
            raise IngestError(f"{path}: no such file")
    if request.topics is None and not contract.topics_path(catalog.root).is_file():
        raise IngestError(f"{catalog.root}: the dataset has no topics yet; pass --topics")
    if request.data_date in catalog.complete_dates() and not request.replace:
        raise DateExistsError(f"data date {request.data_date} already exists; pass --replace")


def _people_version(request: IngestRequest, catalog: DatasetCatalog) -> str:
    """The people version the date will use; a version some date already uses is never rewritten."""
    if request.people is None:
        return _existing_version(request, catalog)
    if request.people_version is None:
        return _fresh_version(request.dataset, request.data_date)
    users = [
        day
        for day in catalog.complete_dates()
        if catalog.people_version(day) == request.people_version
    ]
    if users:
        raise IngestError(
            f"--people-version {request.people_version} is used by data date {users[0]}; "
            "people versions in use are never rewritten, choose another"
        )
    return request.people_version


def _existing_version(request: IngestRequest, catalog: DatasetCatalog) -> str:
    try:
        version = request.people_version or catalog.default_people_version()
        catalog.people_files(version)
    except DataDateMissing as exc:
        raise IngestError(f"{exc}; pass --people") from exc
    return version


def _fresh_version(dataset: Path, data_date: str) -> str:
    """The date itself, or the date with the first free `.N` suffix."""
    version, suffix = data_date, 1
    while contract.people_dir(dataset, version).exists():
        suffix += 1
        version = f"{data_date}.{suffix}"
    return version


def _inputs(request: IngestRequest) -> dict[str, tuple[Path | None, pa.Schema]]:
    return {
        TOPICS: (request.topics, contract.TOPICS_SCHEMA),
        PEOPLE: (request.people, contract.PEOPLE_SCHEMA),
        INTENT: (request.intent, contract.INTENT_SCHEMA),
    }


def _loaded(request: IngestRequest) -> list[str]:
    return [name for name, (path, _) in _inputs(request).items() if path is not None]


def _load(con: duck.Connection, request: IngestRequest) -> None:
    """Each given file becomes a table, and a view of it with the file name for the row checks."""
    for name, (path, schema) in _inputs(request).items():
        if path is None:
            continue
        read_input(con, path, schema, _table(name), ignore_extra=request.ignore_extra)
        con.execute(
            f"CREATE VIEW {duck.ident(name)} AS SELECT *, {duck.literal(str(path))} AS filename"
            f" FROM {duck.ident(_table(name))}"
        )


def _table(name: str) -> str:
    return f"{name}_input"


def _check_rows(
    con: duck.Connection, request: IngestRequest, catalog: DatasetCatalog, version: str
) -> None:
    """The validator's row checks over what is about to be written; every problem at once."""
    problems: list[Problem] = []
    if request.topics is not None:
        problems += check_topics(con, TOPICS) + _dropped_topics(con, catalog)
    else:
        parquet_view(con, TOPICS, [contract.topics_path(catalog.root)], ["topic_id"])
    if request.people is not None:
        problems += check_people(con, PEOPLE)
    else:
        parquet_view(con, PEOPLE, list(catalog.people_files(version)), ["person_id"])
    references = References(TOPICS, PEOPLE, f"people version {version}")
    problems += check_intent(con, INTENT, references)
    errors = [problem for problem in problems if problem.severity is Severity.ERROR]
    if errors:
        lines = "\n".join(f"  {problem}" for problem in errors)
        raise IngestError(f"{len(errors)} problems, nothing was written:\n{lines}")


def _dropped_topics(con: duck.Connection, catalog: DatasetCatalog) -> list[Problem]:
    """New topics must keep every current topic id: existing dates refer to them."""
    current = contract.topics_path(catalog.root)
    if not current.is_file() or not catalog.complete_dates():
        return []
    parquet_view(con, "current_topics", [current], ["topic_id"])
    return orphan_problems(con, "current_topics", "topic_id", TOPICS, "the new topics file")


def _publish(request: IngestRequest, version: str, tables: dict[str, pa.Table]) -> IngestResult:
    """Topics, then people, then the date (manifest last); a new people version is removed
    again when the date cannot be written, so no unreferenced copy is left behind."""
    if TOPICS in tables:
        writer.write_topics(request.dataset, tables[TOPICS])
    people_dir = contract.people_dir(request.dataset, version)
    created = PEOPLE in tables and not people_dir.exists()
    if PEOPLE in tables:
        writer.write_people(request.dataset, version, tables[PEOPLE])
    try:
        manifest = writer.write_intent_date(
            request.dataset, request.data_date, tables[INTENT], version, replace=request.replace
        )
    except BaseException:
        if created:
            shutil.rmtree(people_dir, ignore_errors=True)
        raise
    return IngestResult(
        data_date=request.data_date,
        people_version=version,
        manifest=manifest,
        people_rows=_rows(tables.get(PEOPLE)),
        topics_rows=_rows(tables.get(TOPICS)),
    )


def _rows(table: pa.Table | None) -> int | None:
    return None if table is None else int(table.num_rows)
