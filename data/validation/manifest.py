"""Manifest checks for one data date: the manifest parses, names existing files, and its sizes,
checksums and row counts match the files on disk.

The topic table entry (`topicStats`) is optional: dates written before it existed have none.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from data import contract
from data.catalog import part_files
from data.topic_stats import MANIFEST_KEY
from data.validation.report import Problem, error, warning

Entry = dict[str, object]
ENTRY_FIELDS: dict[str, type] = {"path": str, "rows": int, "bytes": int, "sha256": str}


@dataclass(frozen=True)
class DateFiles:
    """What a date's manifest says, once checked: its people version and its usable files."""

    data_date: str
    people_version: str | None
    files: list[Path]  # listed files that exist on disk
    problems: list[Problem]


def relative(root: Path, path: Path) -> str:
    """`path` as reported: relative to the dataset root when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def check_date_manifest(root: Path, data_date: str) -> DateFiles:
    path = contract.manifest_path(root, data_date)
    name = relative(root, path)
    document, problems = _parse(path, name)
    if document is None:
        return DateFiles(data_date, None, [], problems)
    problems += _header_problems(root, document, data_date, name)
    entries = _entries(document, name, problems)
    files = [_file_path(root, data_date, entry) for entry in entries]
    for entry, file in zip(entries, files, strict=True):
        problems += _entry_problems(root, file, entry, name)
    problems += _row_count_problems(document, entries, name)
    stats = _topic_stats_entry(document, name, problems)
    if stats is not None:
        stats_file = _file_path(root, data_date, stats)
        problems += _entry_problems(root, stats_file, stats, name)
        files_and_stats = [*files, stats_file]
    else:
        files_and_stats = files
    problems += _unlisted_problems(root, data_date, files_and_stats)
    people = document.get("peopleVersion")
    existing = [file for file in files if file.is_file()]
    return DateFiles(data_date, people if isinstance(people, str) else None, existing, problems)


def _parse(path: Path, name: str) -> tuple[dict[str, object] | None, list[Problem]]:
    try:
        document = json.loads(path.read_bytes())
    except ValueError as exc:
        return None, [error(name, None, f"manifest is not valid JSON: {exc}")]
    if not isinstance(document, dict):
        return None, [error(name, None, "manifest is not a JSON object")]
    return document, []


def _header_problems(
    root: Path, document: dict[str, object], data_date: str, name: str
) -> list[Problem]:
    problems = []
    if document.get("schemaVersion") != contract.SCHEMA_VERSION:
        found = document.get("schemaVersion")
        message = f"schemaVersion is {found!r}, expected {contract.SCHEMA_VERSION}"
        problems.append(error(name, "schemaVersion", message))
    if document.get("dataDate") != data_date:
        message = f"dataDate is {document.get('dataDate')!r}, expected {data_date!r}"
        problems.append(error(name, "dataDate", message))
    problems += _people_version_problems(root, document.get("peopleVersion"), name)
    return problems


def _people_version_problems(root: Path, version: object, name: str) -> list[Problem]:
    if not isinstance(version, str) or not version:
        return [error(name, "peopleVersion", "peopleVersion is missing or not a string")]
    directory = contract.people_dir(root, version)
    if not part_files(directory):
        where = relative(root, directory)
        message = f"missing people: people version {version!r} has no files in {where}"
        return [error(name, "peopleVersion", message)]
    return []


def _entries(document: dict[str, object], name: str, problems: list[Problem]) -> list[Entry]:
    """The well-formed file entries; each malformed one adds a problem."""
    files = document.get("files")
    if not isinstance(files, list):
        problems.append(error(name, "files", "files is missing or not a list"))
        return []
    entries = []
    for index, entry in enumerate(files):
        message = _entry_shape(entry)
        if message:
            problems.append(error(name, f"files[{index}]", message))
        else:
            entries.append(entry)
    return entries


def _topic_stats_entry(
    document: dict[str, object], name: str, problems: list[Problem]
) -> Entry | None:
    """The topic table entry when present and well-formed; a malformed one adds a problem."""
    if MANIFEST_KEY not in document:
        return None
    entry = document[MANIFEST_KEY]
    message = _entry_shape(entry)
    if message:
        problems.append(error(name, MANIFEST_KEY, message))
        return None
    assert isinstance(entry, dict)
    return entry


def _entry_shape(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "file entry is not an object"
    for key, kind in ENTRY_FIELDS.items():
        if not isinstance(entry.get(key), kind) or isinstance(entry.get(key), bool):
            return f"file entry needs {key!r} ({kind.__name__})"
    path = Path(str(entry["path"]))
    if path.is_absolute() or ".." in path.parts:
        return f"file path {entry['path']!r} leaves the date directory"
    return None


def _file_path(root: Path, data_date: str, entry: Entry) -> Path:
    return contract.intent_dir(root, data_date) / str(entry["path"])


def _entry_problems(root: Path, path: Path, entry: Entry, name: str) -> list[Problem]:
    file = relative(root, path)
    if not path.is_file():
        return [error(file, None, f"listed in {name} but missing")]
    problems = []
    size = path.stat().st_size
    if size != entry["bytes"]:
        problems.append(
            error(file, "bytes", f"file has {size} bytes, manifest says {entry['bytes']}")
        )
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        message = f"checksum mismatch: file sha256 {digest}, manifest says {entry['sha256']}"
        problems.append(error(file, "sha256", message))
    rows = parquet_rows(path)
    if rows is not None and rows != entry["rows"]:
        problems.append(error(file, "rows", f"file has {rows} rows, manifest says {entry['rows']}"))
    return problems


def _row_count_problems(
    document: dict[str, object], entries: list[Entry], name: str
) -> list[Problem]:
    total = sum(int(str(entry["rows"])) for entry in entries)
    if document.get("rowCount") != total:
        message = f"rowCount is {document.get('rowCount')!r}, the files list {total} rows"
        return [error(name, "rowCount", message)]
    return []


def _unlisted_problems(root: Path, data_date: str, listed: list[Path]) -> list[Problem]:
    directory = contract.intent_dir(root, data_date)
    unlisted = sorted(set(directory.glob("*.parquet")) - set(listed))
    return [
        warning(relative(root, path), None, "not listed in the manifest, ignored")
        for path in unlisted
    ]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_rows(path: Path) -> int | None:
    """The row count in the Parquet footer, or None when the file is not readable Parquet."""
    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, pa.ArrowException):
        return None
