"""The dataset catalog over a `Store`: the same view as `DatasetCatalog`, for a dataset kept in
an object store (`INTENT_DATASET=s3://bucket/prefix`).

Manifests and the topics file are re-read when their size or modification time changes; the
list of complete dates is listed again at most every `LISTING_TTL_S` seconds, since an object
store has no directory signature to watch. `resolve()` names paths inside the store's
filesystem and hands that filesystem to the engine, which reads row groups by range requests.
"""

import copy
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from data import contract, duck
from data.catalog import (
    DATE_DIR,
    PART_GLOB,
    VERSION_DIR,
    Counter,
    DatasetCatalog,
    Manifest,
    check_people_columns,
    is_iso_date,
    parse_manifest,
)
from data.errors import DataDateMissing
from data.storage import (
    Location,
    ObjectInfo,
    S3Settings,
    Store,
    is_remote,
    object_store,
    open_store,
)
from engine.schema import MaterializeInput

LISTING_TTL_S: Final = 5.0
TOPICS_KEY: Final = "topics.parquet"
PART_PREFIX, PART_SUFFIX = PART_GLOB.split("*")

T = TypeVar("T")


def open_catalog(location: Location, s3: S3Settings) -> DatasetCatalog:
    """The catalog of the dataset at `location`: a local directory or an object store prefix."""
    if not is_remote(location):
        return DatasetCatalog(Path(location))
    return StoreCatalog(open_store(location, s3))


class StoreCatalog(DatasetCatalog):
    """A read-only view of one dataset inside a store; `root` is its path in the filesystem."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(Path(store.locate("")))
        self.root = Path(store.locate(""))
        self.store = store
        self._clock = clock
        self._objects: dict[tuple[str, str], tuple[ObjectInfo, object]] = {}
        self._dates: tuple[float, tuple[str, ...]] | None = None
        self._people: dict[tuple[str, str, tuple[str, ...]], dict[str, dict[str, int]]] = {}

    @property
    def location(self) -> str:
        return self.store.uri

    def complete_dates(self) -> list[str]:
        now = self._clock()
        if self._dates is None or now - self._dates[0] >= LISTING_TTL_S:
            self._dates = (now, tuple(self._list_dates()))
        return list(self._dates[1])

    def check(self) -> None:
        self.store.check()

    def _list_dates(self) -> list[str]:
        found = []
        try:
            names = self.store.children("intent")
        except OSError:
            self.store.check()  # names a missing bucket, refused credentials or a dead endpoint
            raise
        if not names:
            self.store.check()  # a missing bucket lists as empty
        for name in names:
            match = DATE_DIR.fullmatch(name)
            if match and is_iso_date(match.group(1)) and self._load(match.group(1)):
                found.append(match.group(1))
        return sorted(found)

    def resolve(self, data_date: str) -> MaterializeInput:
        inputs = super().resolve(data_date)
        return MaterializeInput(
            data_date=inputs.data_date,
            intent_files=inputs.intent_files,
            people_files=inputs.people_files,
            topics_file=inputs.topics_file,
            filesystem=self.store.filesystem,
            object_store=object_store(self.store),
        )

    def people_files(self, version: str) -> tuple[Path, ...]:
        key = f"people/version={version}"
        names = [n for n in self.store.files(key) if _is_part(n)]
        if not names:
            raise DataDateMissing(f"{self.store.uri}/{key}: people version {version} has no files")
        return tuple(Path(self.store.locate(f"{key}/{name}")) for name in names)

    def topics(self) -> pa.Table:
        return self._topics_object("table", lambda: self._read(TOPICS_KEY))

    def topic_ids(self) -> frozenset[int]:
        def load() -> frozenset[int]:
            column = self._read(TOPICS_KEY, ["topic_id"]).column("topic_id")
            return frozenset(int(value) for value in column.to_pylist() if value is not None)

        return self._topics_object("ids", load)

    def _topics_object(self, kind: str, load: Callable[[], T]) -> T:
        try:
            return self._cached(TOPICS_KEY, kind, load)
        except FileNotFoundError:
            raise DataDateMissing(
                f"{self.store.uri}/{TOPICS_KEY}: the dataset has no topics"
            ) from None

    def default_people_version(self) -> str:
        latest = self.latest_complete_date()
        if latest is not None:
            return self.people_version(latest)
        versions = [
            m.group(1) for n in self.store.children("people") if (m := VERSION_DIR.fullmatch(n))
        ]
        if not versions:
            raise DataDateMissing(f"{self.store.uri}/people: the dataset has no people")
        return sorted(versions)[-1]

    def _people_counts(
        self, count: Counter, columns: Sequence[str], people_version: str | None
    ) -> dict[str, dict[str, int]]:
        """`count` over the people columns fetched into memory; a people version is written
        once, so its counts are kept for the life of the catalog."""
        check_people_columns(columns)
        version = people_version or self.default_people_version()
        key = (version, count.__name__, tuple(columns))
        if key not in self._people:
            files = self.people_files(version)
            people = pa.concat_tables(self._read_path(str(path), list(columns)) for path in files)
            with duck.connect() as con:
                con.register("people", people)
                self._people[key] = count(con, "people", columns)
        return copy.deepcopy(self._people[key])

    def _topics_path(self) -> Path:
        if self.store.info(TOPICS_KEY) is None:
            raise DataDateMissing(f"{self.store.uri}/{TOPICS_KEY}: the dataset has no topics")
        return Path(self.store.locate(TOPICS_KEY))

    def _load(self, data_date: str) -> Manifest | None:
        key = f"intent/data_date={data_date}/{contract.MANIFEST_NAME}"
        try:
            return self._cached(key, "manifest", lambda: parse_manifest(self.store.read_bytes(key)))
        except FileNotFoundError:
            self.store.check()  # a missing bucket reads as a missing manifest
            return None
        except OSError:
            self.store.check()
            raise

    def _cached(self, key: str, kind: str, load: Callable[[], T]) -> T:
        info = self.store.info(key)
        if info is None:
            raise FileNotFoundError(f"{self.store.uri}/{key}")
        cached = self._objects.get((key, kind))
        if cached is not None and cached[0] == info:
            return cached[1]  # type: ignore[return-value]
        value = load()
        self._objects[(key, kind)] = (info, value)
        return value

    def _read(self, key: str, columns: list[str] | None = None) -> pa.Table:
        return self._read_path(self.store.locate(key), columns)

    def _read_path(self, path: str, columns: list[str] | None) -> pa.Table:
        self.store.note_request("head")  # opened, then read (pyarrow may read it in more gets)
        self.store.note_request("get")
        with pq.ParquetFile(path, filesystem=self.store.filesystem) as file:
            return file.read(columns=columns)


def _is_part(name: str) -> bool:
    return name.startswith(PART_PREFIX) and name.endswith(PART_SUFFIX)
