"""Layout checks: which data dates, people versions and files a dataset has, and which of them
are whole enough (present, complete, right schema) for their rows to be checked.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from data import contract
from data.catalog import date_directories, part_files, people_versions
from data.validation.manifest import relative
from data.validation.report import Problem, error, warning
from data.validation.schemas import file_schema_problems, has_errors

INCOMPLETE = f"incomplete (no {contract.MANIFEST_NAME}), ignored"


@dataclass
class Usable:
    """Files whose schema allows row checks, and the problems found on the way."""

    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def select_dates(root: Path, dates: Sequence[str] | None) -> tuple[list[str], list[Problem]]:
    """The complete dates to check; incomplete ones are warnings unless asked for by name."""
    present = date_directories(root)
    wanted = sorted(set(dates)) if dates is not None else list(present)
    complete, problems = [], []
    for day in wanted:
        name = relative(root, contract.intent_dir(root, day))
        if day not in present:
            problems.append(error(name, None, f"no such data date {day}"))
        elif contract.manifest_path(root, day).is_file():
            complete.append(day)
        else:
            problems.append((warning if dates is None else error)(name, None, INCOMPLETE))
    if dates is None and not complete:
        problems.append(error("intent", None, "no complete data date"))
    return complete, problems


def topics_files(root: Path) -> Usable:
    path = contract.topics_path(root)
    if not path.is_file():
        return Usable(problems=[error(relative(root, path), None, "missing topics file")])
    return usable_files(root, [path], contract.TOPICS_SCHEMA)


def people_files(
    root: Path, versions: Iterable[str] | None, used: Collection[str]
) -> dict[str, Usable]:
    """Usable files per people version: `versions`, or every version when None. A version
    without part files is an error when a date in `used` reads it, else a warning: what an
    unfinished ingest or generate leaves (a store removes it at a later publish)."""
    existing = people_versions(root)
    chosen = existing.keys() if versions is None else set(versions) & existing.keys()
    found = {}
    for version in sorted(chosen):
        parts = part_files(existing[version])
        if parts:
            found[version] = usable_files(root, parts, contract.PEOPLE_SCHEMA)
        elif version in used:
            message = "missing people: the version has no part files"
            found[version] = Usable(
                problems=[error(relative(root, existing[version]), None, message)]
            )
        else:
            message = "no part files, and no data date uses the version (an unfinished write)"
            found[version] = Usable(
                problems=[warning(relative(root, existing[version]), None, message)]
            )
    return found


def missing_people(root: Path) -> list[Problem]:
    if people_versions(root):
        return []
    return [error("people", None, "missing people: no people/version=<V> directory")]


def usable_files(root: Path, paths: Iterable[Path], schema: pa.Schema) -> Usable:
    usable = Usable()
    for path in paths:
        problems = file_schema_problems(path, schema, relative(root, path))
        usable.problems += problems
        if not has_errors(problems):
            usable.files.append(path)
    return usable
