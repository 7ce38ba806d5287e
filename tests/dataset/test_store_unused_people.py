"""People versions no date names, in an object store: what a killed ingest left (its claim, part
files, an unfinished multipart upload) and a version every date has left are removed by a later
publish once untouched for the bound; a version a date names, one written to recently, and one a
date left during this very publish stay."""

import time
from pathlib import Path
from typing import Any

import pytest

from data.ingest import IngestRequest
from data.s3_client import s3_client
from data.storage import Store
from data.store_catalog import StoreCatalog
from data.store_dataset import ingest_into_store, publish, validate_store
from tests import services
from tests.dataset.conftest import DATES
from tests.dataset.files import export_date

NEW_DAYS = ("2024-03-03", "2024-03-04", "2024-03-05")
LEFT = "left-1"


def later() -> float:
    """A clock a minute ahead: with a bound of 0, every object written so far is untouched."""
    return time.time() + 60


REMOVE_NOW: dict[str, Any] = {"clock": later, "unused_after": 0.0}


@pytest.fixture
def files(pristine: Path, tmp_path: Path) -> dict[str, Path]:
    return export_date(pristine, DATES[-1], tmp_path / "files", suffix=".parquet")


def ingest(
    store: Store | Any,
    files: dict[str, Path],
    day: str,
    *,
    people: bool = False,
    version: str | None = None,
    replace: bool = False,
    **cleanup: Any,
) -> str:
    request = IngestRequest(
        dataset=Path("staged"),
        data_date=day,
        intent=files["intent"],
        people=files["people"] if people else None,
        people_version=version,
        replace=replace,
    )
    return ingest_into_store(store, request, **cleanup).people_version


def versions(store: Store) -> set[str]:
    return {name.removeprefix("version=") for name in store.children("people")}


def named(store: Store) -> set[str]:
    catalog = StoreCatalog(store)
    return {catalog.people_version(day) for day in catalog.complete_dates()}


class Killed(Exception):
    """The ingest's process dies here."""


class DyingStore:
    """A store whose first upload of people kills the writer (after its claim)."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner

    def upload(self, source: Path, key: str) -> None:
        if key.startswith("people/"):
            raise Killed
        self._inner.upload(source, key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def leave_killed_ingest(store: Store, files: dict[str, Path]) -> str:
    """An ingest of people as `LEFT` killed as it uploads them, and the part file and open
    multipart upload such a kill leaves; the version's key."""
    with pytest.raises(Killed):
        ingest(DyingStore(store), files, NEW_DAYS[0], people=True, version=LEFT)
    key = f"people/version={LEFT}"
    store.write_bytes(f"{key}/part-00000.parquet", b"half")
    bucket, _, prefix = store.locate(key).partition("/")
    s3_client(services.S3).create_multipart_upload(
        Bucket=bucket, Key=f"{prefix}/part-00001.parquet"
    )
    return key


def open_uploads(store: Store, key: str) -> list[object]:
    bucket, _, prefix = store.locate(key).partition("/")
    found = s3_client(services.S3).list_multipart_uploads(Bucket=bucket, Prefix=prefix)
    uploads: list[object] = found.get("Uploads", [])
    return uploads


def test_a_killed_ingests_people_stay_while_recent_and_go_once_untouched_for_the_bound(
    stored: Store, files: dict[str, Path]
) -> None:
    key = leave_killed_ingest(stored, files)
    ingest(stored, files, NEW_DAYS[0])  # the default bound: written a moment ago, kept
    assert LEFT in versions(stored)
    ingest(stored, files, NEW_DAYS[1], **REMOVE_NOW)
    assert LEFT not in versions(stored)
    assert open_uploads(stored, key) == []
    assert versions(stored) == named(stored)
    assert validate_store(stored).ok


def test_a_version_a_replaced_date_left_stays_through_that_publish_and_goes_at_the_next(
    stored: Store, files: dict[str, Path]
) -> None:
    first = ingest(stored, files, NEW_DAYS[0], people=True, **REMOVE_NOW)
    second = ingest(stored, files, NEW_DAYS[0], people=True, replace=True, **REMOVE_NOW)
    assert second != first
    assert first in versions(stored)  # runs that resolved the date before may still read it
    ingest(stored, files, NEW_DAYS[1], **REMOVE_NOW)
    assert first not in versions(stored)
    assert versions(stored) == named(stored)
    assert validate_store(stored).ok


def test_a_publish_removes_unused_versions_and_keeps_those_in_use(
    stored: Store, files: dict[str, Path], pristine: Path
) -> None:
    leave_killed_ingest(stored, files)
    in_use = named(stored)
    publish(pristine, stored, replace=True, **REMOVE_NOW)
    assert versions(stored) == in_use
    assert validate_store(stored).ok


class RemovalAtSwitchStore:
    """A store where another writer's removal of the people version `key` (decided before this
    ingest refreshed its claim) lands between this ingest's people upload and its manifest."""

    def __init__(self, inner: Store, key: str) -> None:
        self._inner, self._key = inner, key
        self.removed = False

    def write_bytes_if(self, key: str, data: bytes, expected: str | None) -> bool:
        if key.endswith("_manifest.json") and not self.removed:
            self.removed = True
            self._inner.delete_tree(self._key)
        return self._inner.write_bytes_if(key, data, expected)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_people_removed_while_an_ingest_published_them_are_put_back(
    stored: Store, files: dict[str, Path]
) -> None:
    key = leave_killed_ingest(stored, files)
    racing = RemovalAtSwitchStore(stored, key)
    ingest(racing, files, NEW_DAYS[0], people=True, version=LEFT)  # the retry
    assert racing.removed
    assert StoreCatalog(stored).people_version(NEW_DAYS[0]) == LEFT
    assert "_claim" in stored.files(key)
    assert validate_store(stored).ok
