"""The catalog's list of complete dates: kept between calls, listed again as soon as a date is
published, replaced or removed, never trusted while the directories may still change unseen."""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import catalog as catalog_module
from data import contract, writer
from data.catalog import DatasetCatalog
from tests.dataset.conftest import DATES

NEW_DATE = "2024-03-03"
HOUR_NS = 3600 * 1_000_000_000


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The dataset roots whose date directories the catalog listed, one entry a listing."""
    seen: list[Path] = []
    original: Callable[[Path], dict[str, Path]] = catalog_module.date_directories

    def counting(root: Path) -> dict[str, Path]:
        seen.append(root)
        return original(root)

    monkeypatch.setattr(catalog_module, "date_directories", counting)
    return seen


def settle(dataset: Path) -> None:
    """Date every directory and file of the dataset an hour back: changed long before now."""
    past = time.time_ns() - HOUR_NS
    for path in [dataset, *dataset.rglob("*")]:
        os.utime(path, ns=(past, past))


def intent_of(dataset: Path, data_date: str) -> pa.Table:
    files = DatasetCatalog(dataset).resolve(data_date).intent_files
    return pa.concat_tables(pq.read_table(path) for path in files)


def test_repeated_calls_without_changes_list_the_dates_once(
    dataset: Path, listings: list[Path]
) -> None:
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    for _ in range(3):
        assert catalog.complete_dates() == list(DATES)
        assert catalog.latest_complete_date() == DATES[-1]
    assert len(listings) == 1


def test_a_date_published_by_the_writer_is_seen_by_the_next_call(
    dataset: Path, listings: list[Path]
) -> None:
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    assert catalog.latest_complete_date() == DATES[-1]
    version = catalog.people_version(DATES[-1])
    writer.write_intent_date(dataset, NEW_DATE, intent_of(dataset, DATES[-1]), version)
    assert catalog.latest_complete_date() == NEW_DATE
    assert catalog.complete_dates() == [*DATES, NEW_DATE]


def test_a_date_replaced_by_the_writer_is_seen_by_the_next_call(
    dataset: Path, listings: list[Path]
) -> None:
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    before = catalog.manifest(DATES[0])
    assert catalog.complete_dates() == list(DATES)
    fewer = intent_of(dataset, DATES[0]).slice(0, 10)
    version = catalog.people_version(DATES[0])
    writer.write_intent_date(dataset, DATES[0], fewer, version, replace=True)
    assert catalog.complete_dates() == list(DATES)
    assert len(listings) == 2
    assert catalog.manifest(DATES[0])["rowCount"] == 10 != before["rowCount"]


def test_an_interrupted_date_completed_by_the_writer_is_seen_by_the_next_call(
    dataset: Path, listings: list[Path]
) -> None:
    table = intent_of(dataset, DATES[1])
    contract.manifest_path(dataset, DATES[1]).unlink()
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == [DATES[0]]
    writer.write_intent_date(dataset, DATES[1], table, catalog.people_version(DATES[0]))
    assert catalog.complete_dates() == list(DATES)


def test_a_removed_date_disappears_at_the_next_call(dataset: Path, listings: list[Path]) -> None:
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    assert catalog.latest_complete_date() == DATES[-1]
    shutil.rmtree(contract.intent_dir(dataset, DATES[-1]))
    assert catalog.latest_complete_date() == DATES[0]
    assert catalog.complete_dates() == [DATES[0]]


def test_a_manifest_written_into_an_incomplete_date_is_seen_by_the_next_call(
    dataset: Path, listings: list[Path]
) -> None:
    path = contract.manifest_path(dataset, DATES[1])
    saved = path.read_bytes()
    path.unlink()
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == [DATES[0]]
    path.write_bytes(saved)  # `intent/` itself does not change
    assert catalog.complete_dates() == list(DATES)


def test_an_unparsable_manifest_repaired_in_place_is_seen_by_the_next_call(
    dataset: Path, listings: list[Path]
) -> None:
    path = contract.manifest_path(dataset, DATES[1])
    saved = path.read_bytes()
    path.write_bytes(saved[:20])
    settle(dataset)
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == [DATES[0]]
    with path.open("r+b") as handle:  # rewritten in place: neither directory changes
        handle.write(saved)
    assert catalog.complete_dates() == list(DATES)


def test_a_listing_made_just_after_a_change_is_not_trusted(
    dataset: Path, listings: list[Path]
) -> None:
    """A coarse clock can give a rename the same mtime as the change just before it: the
    listing is repeated while `intent/` changed too recently to tell the two apart."""
    intent = dataset / "intent"
    staging = intent / f".staging-data_date={NEW_DATE}-{'a' * 32}"
    shutil.copytree(contract.intent_dir(dataset, DATES[-1]), staging)
    now = time.time_ns()
    os.utime(intent, ns=(now, now))
    catalog = DatasetCatalog(dataset)
    assert catalog.complete_dates() == list(DATES)
    os.rename(staging, contract.intent_dir(dataset, NEW_DATE))
    os.utime(intent, ns=(now, now))  # the publish landed in the same clock tick
    assert catalog.complete_dates() == [*DATES, NEW_DATE]
    settle(dataset)
    assert catalog.complete_dates() == [*DATES, NEW_DATE]
    assert catalog.complete_dates() == [*DATES, NEW_DATE]
    assert len(listings) == 3
