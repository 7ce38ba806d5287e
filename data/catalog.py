"""The dataset catalog: which data dates are complete and what files one date resolves to.

Cheap to build and to call per request: every file it reads is cached by its stat signature,
and the list of complete dates by the signatures of the directories a completion changes.
"""

import copy
import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Generic, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from data import contract, duck
from data.errors import DataDateMissing, DatasetError
from engine.schema import MaterializeInput

DATE_DIR: Final = re.compile(r"data_date=(\d{4}-\d{2}-\d{2})")
VERSION_DIR: Final = re.compile(r"version=(.+)")
PART_GLOB: Final = "part-*.parquet"
# A directory changed this recently may change again within the same mtime tick (coarse clocks,
# 2 s on FAT), unseen by its signature: a listing is trusted only once what it watches is older.
RACY_NS: Final = 2_000_000_000

T = TypeVar("T")
Signature = tuple[int, int, int]
Watched = tuple[Path, Signature | None]  # a path and its signature when listed; None: absent
# Counts of people columns, by a DuckDB connection over a relation named by a SQL source.
Counter = Callable[[duck.Connection, str, Sequence[str]], dict[str, dict[str, int]]]


def date_directories(root: Path) -> dict[str, Path]:
    """Every data date that has a directory, complete or not; staging directories are skipped."""
    found: dict[str, Path] = {}
    for name, path in _subdirectories(root / "intent"):
        match = DATE_DIR.fullmatch(name)
        if match and is_iso_date(match.group(1)):
            found[match.group(1)] = path
    return dict(sorted(found.items()))


def people_versions(root: Path) -> dict[str, Path]:
    """Every people version directory, by version."""
    found = {}
    for name, path in _subdirectories(root / "people"):
        match = VERSION_DIR.fullmatch(name)
        if match:
            found[match.group(1)] = path
    return dict(sorted(found.items()))


def part_files(directory: Path) -> list[Path]:
    """The part files of a people version (or any directory), in name order."""
    return sorted(directory.glob(PART_GLOB))


def is_iso_date(text: str) -> bool:
    """Whether `text` is a real calendar date spelled YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _subdirectories(directory: Path) -> list[tuple[str, Path]]:
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [(entry.name, Path(entry.path)) for entry in entries if entry.is_dir()]


def _signature(path: Path) -> Signature:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _watch(path: Path) -> Watched:
    return path, _signature_if_present(path)


def _signature_if_present(path: Path) -> Signature | None:
    try:
        return _signature(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


@dataclass(frozen=True)
class _Listing:
    """The complete dates of one scan, and the signatures taken before it of every path whose
    change could complete, replace or remove a date."""

    dates: tuple[str, ...]
    watched: tuple[Watched, ...]
    trusted: bool  # False: something watched changed too close to the scan to rely on it

    def current(self) -> bool:
        watched = self.watched
        return self.trusted and all(_signature_if_present(path) == seen for path, seen in watched)


def _settled(watched: Sequence[Watched], started_ns: int) -> bool:
    """Whether every watched path last changed well before the scan began."""
    return all(seen is None or seen[0] < started_ns - RACY_NS for _, seen in watched)


class _StatCache(Generic[T]):
    """Values loaded from files, reloaded when a file's mtime, size or inode changes."""

    def __init__(self) -> None:
        self._entries: dict[object, tuple[Signature, T]] = {}

    def get(self, path: Path, load: Callable[[Path], T], key: object = None) -> T:
        signature = _signature(path)  # FileNotFoundError when absent
        cache_key = (path, key)
        cached = self._entries.get(cache_key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        value = load(path)
        self._entries[cache_key] = (signature, value)
        return value


@dataclass(frozen=True)
class Manifest:
    raw: bytes
    document: dict[str, object]


def _load_manifest(path: Path) -> Manifest | None:
    """The manifest at `path`, or None when its bytes are not a JSON object."""
    return parse_manifest(path.read_bytes())


def parse_manifest(raw: bytes) -> Manifest | None:
    """A manifest's bytes, or None when they are not a JSON object."""
    try:
        document = json.loads(raw)
    except ValueError:
        return None
    return Manifest(raw, document) if isinstance(document, dict) else None


class DatasetCatalog:
    """Read-only view of one dataset directory, for the engine, the jobs and the API."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()
        self._manifests: _StatCache[Manifest | None] = _StatCache()
        self._topics: _StatCache[pa.Table] = _StatCache()
        self._topic_ids: _StatCache[frozenset[int]] = _StatCache()
        self._parts: _StatCache[tuple[Path, ...]] = _StatCache()
        self._counts: _StatCache[dict[str, dict[str, int]]] = _StatCache()
        self._listing: _Listing | None = None

    @property
    def location(self) -> str:
        """Where the dataset is, as messages name it."""
        return str(self.root)

    def check(self) -> None:
        """Raise StorageError when the dataset's storage cannot be used (none for local disk:
        a missing directory is a dataset without dates)."""

    def complete_dates(self) -> list[str]:
        """Sorted dates whose `_manifest.json` exists and parses.

        Listed again only when `intent/` changed (the writer renames a date's directory into or
        out of it), or the directory or manifest of a date found incomplete did (a manifest
        written in place). A complete date's manifest is never edited in place by the writer;
        one edited so is re-read by `manifest()` and `resolve()`, not re-judged here.
        """
        listing = self._listing
        if listing is None or not listing.current():
            listing = self._listing = self._list_complete_dates()
        return list(listing.dates)

    def _list_complete_dates(self) -> _Listing:
        """Each signature is taken before what it guards is read, so a change made during the
        scan leaves the listing out of date rather than missed."""
        started_ns = time.time_ns()
        watched = [_watch(self.root / "intent")]
        dates = []
        for day, directory in date_directories(self.root).items():
            before = (_watch(directory), _watch(directory / contract.MANIFEST_NAME))
            if self._load(day) is None:
                watched.extend(before)
            else:
                dates.append(day)
        return _Listing(tuple(dates), tuple(watched), _settled(watched, started_ns))

    def latest_complete_date(self) -> str | None:
        dates = self.complete_dates()
        return dates[-1] if dates else None

    def manifest(self, data_date: str) -> dict[str, object]:
        return copy.deepcopy(self._document(data_date))

    def manifest_digest(self, data_date: str) -> str:
        """SHA-256 hex of the manifest bytes: identifies exactly which input a run read."""
        return hashlib.sha256(self._complete(data_date).raw).hexdigest()

    def people_version(self, data_date: str) -> str:
        return self._people_version(data_date, self._document(data_date))

    def resolve(self, data_date: str) -> MaterializeInput:
        """The absolute paths of the files one data date reads, all from one manifest read."""
        document = self._document(data_date)
        people = self.people_files(self._people_version(data_date, document))
        return MaterializeInput(
            data_date=data_date,
            intent_files=self._intent_files(data_date, document),
            people_files=tuple(str(path) for path in people),
            topics_file=str(self._topics_path()),
        )

    def people_files(self, version: str) -> tuple[Path, ...]:
        directory = contract.people_dir(self.root, version)
        try:
            files = self._parts.get(directory, lambda path: tuple(part_files(path)))
        except FileNotFoundError:
            files = ()
        if not files:
            raise DataDateMissing(f"{directory}: people version {version} has no files")
        return files

    def topics(self) -> pa.Table:
        return self._topics.get(self._topics_path(), _read_table)

    def topic_ids(self) -> frozenset[int]:
        return self._topic_ids.get(self._topics_path(), _read_topic_ids)

    def value_counts(
        self, columns: Sequence[str], people_version: str | None = None
    ) -> dict[str, dict[str, int]]:
        """Per people column, the count of each non-null value (for the filter catalog)."""
        return self._people_counts(count_values, columns, people_version)

    def presence_counts(
        self, columns: Sequence[str], people_version: str | None = None
    ) -> dict[str, dict[str, int]]:
        """Per people column, `{"true": people with a non-empty value, "false": the others}`,
        as the presence filters (`contact.*`) match them."""
        return self._people_counts(count_presence, columns, people_version)

    def _people_counts(
        self, count: Counter, columns: Sequence[str], people_version: str | None
    ) -> dict[str, dict[str, int]]:
        """`count(files, columns)` over a people version, cached until its directory changes."""
        check_people_columns(columns)
        version = people_version or self.default_people_version()
        files = self.people_files(version)
        directory = contract.people_dir(self.root, version)
        key = (count.__name__, tuple(columns))
        counts = self._counts.get(directory, lambda _: _count_files(count, files, columns), key=key)
        return copy.deepcopy(counts)

    def default_people_version(self) -> str:
        """The people version of the latest complete date, else the newest version directory."""
        latest = self.latest_complete_date()
        if latest is not None:
            return self.people_version(latest)
        versions = list(people_versions(self.root))
        if not versions:
            raise DataDateMissing(f"{self.root / 'people'}: the dataset has no people")
        return versions[-1]

    def _document(self, data_date: str) -> dict[str, object]:
        return self._complete(data_date).document

    def _complete(self, data_date: str) -> Manifest:
        loaded = self._load(data_date)
        if loaded is None:
            raise DataDateMissing(f"data date {data_date} is not complete in {self.root}")
        return loaded

    def _people_version(self, data_date: str, document: dict[str, object]) -> str:
        version = document.get("peopleVersion")
        if not isinstance(version, str) or not version:
            raise DatasetError(f"{self._manifest_path(data_date)}: peopleVersion is missing")
        return version

    def _intent_files(self, data_date: str, document: dict[str, object]) -> tuple[str, ...]:
        files = document.get("files")
        directory = contract.intent_dir(self.root, data_date)
        if not isinstance(files, list) or not all(_has_path(entry) for entry in files):
            raise DatasetError(f"{self._manifest_path(data_date)}: files is malformed")
        return tuple(str(directory / entry["path"]) for entry in files)

    def _topics_path(self) -> Path:
        path = contract.topics_path(self.root)
        if not path.is_file():
            raise DataDateMissing(f"{path}: the dataset has no topics")
        return path

    def _load(self, data_date: str) -> Manifest | None:
        try:
            return self._manifests.get(self._manifest_path(data_date), _load_manifest)
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _manifest_path(self, data_date: str) -> Path:
        return contract.manifest_path(self.root, data_date)


def _has_path(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("path"), str)


def _read_table(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """One Parquet file whole. Through `ParquetFile`, not `pq.read_table`: that one loads
    pyarrow.dataset, which imports pandas when it is installed (0.2 s of every start-up)."""
    with pq.ParquetFile(path) as file:
        return file.read(columns=columns)


def _read_topic_ids(path: Path) -> frozenset[int]:
    column = _read_table(path, columns=["topic_id"]).column("topic_id")
    return frozenset(int(value) for value in column.to_pylist() if value is not None)


def check_people_columns(columns: Sequence[str]) -> None:
    unknown = [name for name in columns if name not in contract.PEOPLE_TEXT_COLUMNS]
    if unknown:
        raise DatasetError(f"value_counts: unknown people columns {', '.join(unknown)}")


def _count_files(
    count: Counter, files: Sequence[Path], columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    with duck.connect() as con:
        return count(con, duck.read_parquet(files), columns)


def count_values(
    con: duck.Connection, source: str, columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    """One grouped scan per column; the columnar files make each scan read only that column."""
    return {name: _column_counts(con, source, name) for name in columns}


def _column_counts(con: duck.Connection, source: str, name: str) -> dict[str, int]:
    column = duck.ident(name)
    rows = con.execute(
        f"SELECT {column}, count(*) FROM {source} WHERE {column} IS NOT NULL "
        f"GROUP BY ALL ORDER BY 2 DESC, 1"
    ).fetchall()
    return {str(value): int(count) for value, count in rows}


def count_presence(
    con: duck.Connection, source: str, columns: Sequence[str]
) -> dict[str, dict[str, int]]:
    """One scan counting every column's non-empty values (`<> ''` is null for a null value)."""
    present = ", ".join(f"count(*) FILTER (WHERE {duck.ident(name)} <> '')" for name in columns)
    row = con.execute(f"SELECT count(*), {present} FROM {source}").fetchone()
    total, *counts = row or (0,)
    return {name: {"true": n, "false": total - n} for name, n in zip(columns, counts, strict=True)}
