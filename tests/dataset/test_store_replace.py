"""Replacing a data date in an object store: a reader sees the old version or the new one whole
(never a missing date or a mix of both), and the version before the last is removed by the next
replacement, its late readers failing with an error that is retried."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest

from data import contract
from data.catalog import DatasetCatalog
from data.errors import ConcurrentPublishError
from data.ingest import IngestRequest
from data.s3_client import s3_client
from data.storage import Store, open_store
from data.store_catalog import StoreCatalog
from data.store_dataset import (
    CLAIM_NAME,
    UPLOAD_PREFIX,
    ingest_into_store,
    listed_paths,
    publish,
    validate_store,
)
from engine.backends import get_backend
from engine.schema import MaterializeInput
from jobs.failures import as_job_error
from tests import services
from tests.dataset.conftest import DATES
from tests.dataset.files import export_date
from tests.engine.factories import config

DAY = DATES[-1]
DATE_KEY = f"intent/data_date={DAY}"


@pytest.fixture
def replacement(pristine: Path, tmp_path: Path) -> Path:
    """The intent rows of the first date, to ingest as the last one: other rows, same people."""
    return export_date(pristine, DATES[0], tmp_path / "files")["intent"]


@pytest.fixture
def topics(pristine: Path) -> list[int]:
    return sorted(DatasetCatalog(pristine).topic_ids())[:3]


class PausingStore:
    """A store that calls `during` once, when the first file of the date is uploaded."""

    def __init__(self, inner: Store, during: Callable[[], None], date_key: str = DATE_KEY) -> None:
        self._inner, self._during, self._date_key = inner, during, date_key
        self.paused = False

    def upload(self, source: Path, key: str) -> None:
        if key.startswith(f"{self._date_key}/") and not self.paused:
            self.paused = True
            self._during()
        self._inner.upload(source, key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class AfterSwitchStore:
    """A store that calls `during` once, right after the date's manifest is switched."""

    def __init__(self, inner: Store, during: Callable[[], None]) -> None:
        self._inner, self._during = inner, during
        self.switched = False

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        done = self._inner.write_bytes_if(key, data, expected)
        if key == f"{DATE_KEY}/{contract.MANIFEST_NAME}" and not self.switched:
            self.switched = True
            self._during()
        return done

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def replace_date(store: Store | PausingStore | AfterSwitchStore, intent: Path) -> None:
    request = IngestRequest(dataset=Path("staged"), data_date=DAY, intent=intent, replace=True)
    ingest_into_store(store, request)  # type: ignore[arg-type]  # PausingStore: a Store by proxy


def rows(inputs: MaterializeInput, topics: list[int]) -> pa.Table:
    return get_backend("duckdb").materialize(inputs, config(topics)).table


def test_a_reader_while_a_date_is_replaced_finds_the_old_version_whole(
    stored: Store, replacement: Path, topics: list[int]
) -> None:
    before = rows(StoreCatalog(stored).resolve(DAY), topics)
    seen: list[pa.Table] = []

    def read() -> None:
        seen.append(rows(StoreCatalog(stored).resolve(DAY), topics))

    pausing = PausingStore(stored, read)
    replace_date(pausing, replacement)
    assert pausing.paused
    assert len(seen) == 1
    assert seen[0].equals(before)


def test_a_run_that_resolved_the_date_before_it_was_replaced_reads_the_old_version(
    stored: Store, replacement: Path, topics: list[int]
) -> None:
    resolved = StoreCatalog(stored).resolve(DAY)
    before = rows(resolved, topics)
    replace_date(stored, replacement)
    after = rows(StoreCatalog(stored).resolve(DAY), topics)
    assert before.num_rows > 0
    assert after.num_rows > 0
    assert not after.equals(before)
    assert rows(resolved, topics).equals(before)


def test_the_next_replacement_removes_the_version_before_the_last(
    stored: Store, replacement: Path
) -> None:
    original = StoreCatalog(stored).manifest(DAY)
    replace_date(stored, replacement)
    previous = StoreCatalog(stored).manifest(DAY)
    replace_date(stored, replacement)
    current = StoreCatalog(stored).manifest(DAY)
    kept = set(stored_names(stored, DATE_KEY))
    assert kept == {contract.MANIFEST_NAME} | listed_paths(previous) | listed_paths(current)
    assert not kept & listed_paths(original)
    assert all(path.startswith(UPLOAD_PREFIX) for path in listed_paths(current))
    assert listed_paths(current).isdisjoint(listed_paths(previous))


def test_a_run_still_reading_the_version_before_the_last_fails_with_a_retried_error(
    stored: Store, replacement: Path, topics: list[int]
) -> None:
    resolved = StoreCatalog(stored).resolve(DAY)
    replace_date(stored, replacement)
    replace_date(stored, replacement)
    with pytest.raises(Exception) as raised:  # noqa: PT011  # whatever the backend raises
        rows(resolved, topics)
    error = as_job_error(raised.value)
    assert (error.retryable, error.code) == (True, "INTERNAL")


def test_a_replaced_date_validates_without_the_files_of_the_version_it_replaced(
    stored: Store, replacement: Path
) -> None:
    replace_date(stored, replacement)
    report = validate_store(stored)
    assert (report.ok, report.dates, report.problems) == (True, list(DATES), [])


def test_of_two_replacements_of_a_date_at_once_the_later_switch_fails_and_leaves_the_other_whole(
    stored: Store, replacement: Path, pristine: Path, tmp_path: Path, topics: list[int]
) -> None:
    """The outer replacement read the manifest before the inner one replaced it: its switch
    would publish over a version it never saw, so it fails and removes its own upload."""
    other = export_date(pristine, DATES[1], tmp_path / "other")["intent"]
    original = StoreCatalog(stored).manifest(DAY)
    pausing = PausingStore(stored, lambda: replace_date(stored, other))
    with pytest.raises(ConcurrentPublishError, match=DAY):
        replace_date(pausing, replacement)
    current = StoreCatalog(stored).manifest(DAY)
    kept = set(stored_names(stored, DATE_KEY))
    assert kept - {contract.MANIFEST_NAME} <= listed_paths(current) | listed_paths(original)
    assert listed_paths(current) <= kept
    assert validate_store(stored).ok
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: replace_date(copy, other))
    assert rows(StoreCatalog(stored).resolve(DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(DAY), topics)
    )


def test_a_replacement_that_reads_the_new_manifest_keeps_its_files_from_the_one_before(
    stored: Store, replacement: Path, pristine: Path, tmp_path: Path, topics: list[int]
) -> None:
    """The inner replacement starts after the outer one switched the manifest, and publishes
    before the outer one removes what it replaced: that removal must spare the inner's files."""
    other = export_date(pristine, DATES[1], tmp_path / "other")["intent"]
    after = AfterSwitchStore(stored, lambda: replace_date(stored, other))
    replace_date(after, replacement)
    assert after.switched
    current = StoreCatalog(stored).manifest(DAY)
    assert listed_paths(current) <= set(stored_names(stored, DATE_KEY))
    assert validate_store(stored).ok
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: replace_date(copy, other))
    assert rows(StoreCatalog(stored).resolve(DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(DAY), topics)
    )


NEW_DAY = "2024-03-03"
NEW_KEY = f"intent/data_date={NEW_DAY}"


def add_date(store: Store | PausingStore, intent: Path) -> None:
    request = IngestRequest(dataset=Path("staged"), data_date=NEW_DAY, intent=intent)
    ingest_into_store(store, request)  # type: ignore[arg-type]  # PausingStore: a Store by proxy


def test_of_two_first_publishes_of_a_date_at_once_one_stands_whole(
    stored: Store, replacement: Path, pristine: Path, tmp_path: Path, topics: list[int]
) -> None:
    """The inner writer publishes the new date while the outer one uploads it: the outer's
    files must not mix into the inner's, and the outer's switch fails."""
    other = export_date(pristine, DATES[1], tmp_path / "other")["intent"]
    pausing = PausingStore(stored, lambda: add_date(stored, other), NEW_KEY)
    with pytest.raises(ConcurrentPublishError, match=NEW_DAY):
        add_date(pausing, replacement)
    assert pausing.paused
    current = StoreCatalog(stored).manifest(NEW_DAY)
    assert set(stored_names(stored, NEW_KEY)) == {contract.MANIFEST_NAME} | listed_paths(current)
    assert validate_store(stored).ok
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: add_date(copy, other))
    assert rows(StoreCatalog(stored).resolve(NEW_DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(NEW_DAY), topics)
    )


def test_a_first_publish_removes_what_a_killed_one_left_under_the_date(
    stored: Store, replacement: Path
) -> None:
    """A writer killed before its switch left a part file and an unfinished multipart upload."""
    client = s3_client(services.S3)
    bucket, _, prefix = stored.locate(NEW_KEY).partition("/")
    stored.write_bytes(f"{NEW_KEY}/{UPLOAD_PREFIX}dead/part-00000.parquet", b"half")
    client.create_multipart_upload(Bucket=bucket, Key=f"{prefix}/{UPLOAD_PREFIX}dead/big.parquet")
    add_date(stored, replacement)
    current = StoreCatalog(stored).manifest(NEW_DAY)
    assert set(stored_names(stored, NEW_KEY)) == {contract.MANIFEST_NAME} | listed_paths(current)
    assert client.list_multipart_uploads(Bucket=bucket, Prefix=prefix).get("Uploads", []) == []
    assert validate_store(stored).ok


def stored_copy(pristine: Path, root: Path, change: Callable[[Store], None]) -> Store:
    """The dataset with one `change` applied to it, alone, on local disk."""
    copy = open_store(root, services.S3)
    root.mkdir(parents=True)
    publish(pristine, copy)
    change(copy)
    return copy


def stored_names(store: Store, key: str) -> list[str]:
    root = store.locate(key)
    selector = pafs.FileSelector(root, recursive=True)
    found = store.filesystem.get_file_info(selector)
    return [e.path.removeprefix(root).lstrip("/") for e in found if e.type == pafs.FileType.File]


class PeoplePausingStore(PausingStore):
    """A store that calls `during` once, when the first people file is uploaded."""

    def upload(self, source: Path, key: str) -> None:
        if key.startswith("people/") and not self.paused:
            self.paused = True
            self._during()
        self._inner.upload(source, key)


class ClaimPausingStore(PausingStore):
    """A store that calls `during` once, just before a people version is claimed."""

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        if key.endswith(f"/{CLAIM_NAME}") and not self.paused:
            self.paused = True
            self._during()
        return self._inner.write_bytes_if(key, data, expected)


@pytest.fixture
def two_peoples(pristine: Path, tmp_path: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """Files of the last date to ingest as a new one, twice: the second with other first names."""
    ours = export_date(pristine, DAY, tmp_path / "ours", suffix=".parquet")
    theirs = export_date(pristine, DAY, tmp_path / "theirs", suffix=".parquet")
    people = pq.read_table(theirs["people"])
    upper = pc.utf8_upper(people.column("first_name"))
    pq.write_table(people.set_column(2, "first_name", upper), theirs["people"])
    return ours, theirs


@pytest.mark.parametrize("pausing", [PeoplePausingStore, ClaimPausingStore])
def test_of_two_ingests_of_a_new_date_with_people_at_once_one_stands_whole(
    stored: Store,
    pristine: Path,
    tmp_path: Path,
    topics: list[int],
    two_peoples: tuple[dict[str, Path], dict[str, Path]],
    pausing: type[PausingStore],
) -> None:
    """The inner ingest runs while the outer one uploads its people, or just before it claims
    their new version: the inner's date stands with the inner's people, and the outer fails."""
    ours, theirs = two_peoples
    outer = pausing(stored, lambda: add_people_date(stored, theirs))
    with pytest.raises(ConcurrentPublishError):
        add_people_date(outer, ours)
    assert outer.paused
    assert validate_store(stored).ok
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: add_people_date(copy, theirs))
    assert rows(StoreCatalog(stored).resolve(NEW_DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(NEW_DAY), topics)
    )


def add_people_date(
    store: Store | PausingStore, files: dict[str, Path], version: str | None = None
) -> None:
    request = IngestRequest(
        dataset=Path("staged"),
        data_date=NEW_DAY,
        intent=files["intent"],
        people=files["people"],
        people_version=version,
    )
    ingest_into_store(store, request)  # type: ignore[arg-type]  # PausingStore: a Store by proxy


NAMED = "named-1"


def test_an_ingest_naming_the_people_version_another_is_uploading_fails_before_writing(
    stored: Store,
    pristine: Path,
    tmp_path: Path,
    topics: list[int],
    two_peoples: tuple[dict[str, Path], dict[str, Path]],
) -> None:
    """The inner ingest names the version the outer one is uploading other people to: it fails
    at its claim, and the outer's date stands with the outer's people."""
    ours, theirs = two_peoples

    def inner() -> None:
        with pytest.raises(ConcurrentPublishError, match=f"--people-version {NAMED}"):
            add_people_date(stored, theirs, NAMED)

    outer = PeoplePausingStore(stored, inner)
    add_people_date(outer, ours, NAMED)
    assert outer.paused
    assert validate_store(stored).ok
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: add_people_date(copy, ours))
    assert rows(StoreCatalog(stored).resolve(NEW_DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(NEW_DAY), topics)
    )


class Killed(Exception):
    """The ingest's process dies here."""


def test_a_killed_ingest_naming_a_people_version_is_retried_with_its_people_only(
    stored: Store,
    pristine: Path,
    tmp_path: Path,
    topics: list[int],
    two_peoples: tuple[dict[str, Path], dict[str, Path]],
) -> None:
    """Killed after its claim, as its people upload began: the same ingest repeated goes on,
    one with another people file is refused and leaves the version as it was."""
    ours, theirs = two_peoples

    def die() -> None:
        raise Killed

    with pytest.raises(Killed):
        add_people_date(PeoplePausingStore(stored, die), ours, NAMED)
    claim = f"people/version={NAMED}/{CLAIM_NAME}"
    left = stored.read_bytes(claim)
    with pytest.raises(ConcurrentPublishError, match="choose another --people-version"):
        add_people_date(stored, theirs, NAMED)
    assert stored.read_bytes(claim) == left
    assert StoreCatalog(stored).complete_dates()[-1] != NEW_DAY
    add_people_date(stored, ours, NAMED)
    assert validate_store(stored).ok
    assert StoreCatalog(stored).manifest(NEW_DAY)["peopleVersion"] == NAMED
    alone = stored_copy(pristine, tmp_path / "alone", lambda copy: add_people_date(copy, ours))
    assert rows(StoreCatalog(stored).resolve(NEW_DAY), topics).equals(
        rows(StoreCatalog(alone).resolve(NEW_DAY), topics)
    )
