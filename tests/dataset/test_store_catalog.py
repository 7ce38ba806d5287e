"""A dataset in an object store reads as the same dataset on local disk: dates, manifests,
topics, people counts, and the rows a run over the resolved files materializes."""

import uuid
from pathlib import Path

import pytest

from data.catalog import DatasetCatalog
from data.errors import DataDateMissing, StorageError
from data.storage import S3Settings, Store, open_store
from data.store_catalog import LISTING_TTL_S, StoreCatalog, open_catalog
from engine.backends import get_backend
from tests import services
from tests.dataset.conftest import DATES
from tests.engine.factories import config


def upload_tree(root: Path, store: Store) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            store.upload(path, path.relative_to(root).as_posix())


@pytest.fixture
def stored(pristine: Path, s3_bucket: str) -> Store:
    store = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}/dataset", services.S3)
    upload_tree(pristine, store)
    return store


def test_an_s3_location_opens_a_store_catalog(stored: Store, pristine: Path) -> None:
    assert isinstance(open_catalog(stored.uri, services.S3), StoreCatalog)
    assert type(open_catalog(pristine, services.S3)) is DatasetCatalog


def test_the_stored_dataset_reads_as_the_local_one(stored: Store, pristine: Path) -> None:
    local, remote = DatasetCatalog(pristine), StoreCatalog(stored)

    assert remote.complete_dates() == local.complete_dates() == list(DATES)
    for day in DATES:
        assert remote.manifest(day) == local.manifest(day)
        assert remote.manifest_digest(day) == local.manifest_digest(day)
        assert remote.people_version(day) == local.people_version(day)
    assert remote.topics().equals(local.topics())
    assert remote.topic_ids() == local.topic_ids()
    assert remote.default_people_version() == local.default_people_version()
    columns = ["state", "gender"]
    assert remote.value_counts(columns) == local.value_counts(columns)
    assert remote.presence_counts(["phone"]) == local.presence_counts(["phone"])


@pytest.mark.parametrize("backend", ["duckdb", "polars"])
def test_a_run_over_the_stored_dataset_gives_the_local_rows(
    stored: Store, pristine: Path, backend: str
) -> None:
    local, remote = DatasetCatalog(pristine), StoreCatalog(stored)
    topics = sorted(local.topic_ids())[:3]
    engine = get_backend(backend)

    inputs = remote.resolve(DATES[-1])
    assert inputs.filesystem is stored.filesystem
    assert all(not Path(path).is_absolute() for path in inputs.intent_files)
    expected = engine.materialize(local.resolve(DATES[-1]), config(topics)).table
    got = engine.materialize(inputs, config(topics)).table

    assert got.num_rows > 0
    assert got.equals(expected)


def test_a_date_without_its_manifest_is_not_complete(stored: Store) -> None:
    clock = [0.0]
    remote = StoreCatalog(stored, clock=lambda: clock[0])
    assert remote.complete_dates() == list(DATES)

    stored.delete_tree(f"intent/data_date={DATES[-1]}/_manifest.json")
    assert remote.complete_dates() == list(DATES)  # listed again only after the TTL
    clock[0] += LISTING_TTL_S
    assert remote.complete_dates() == [DATES[0]]
    with pytest.raises(DataDateMissing):
        remote.resolve(DATES[-1])


def test_an_empty_prefix_has_no_dates_and_no_topics(s3_bucket: str) -> None:
    remote = StoreCatalog(open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}", services.S3))
    assert remote.complete_dates() == []
    with pytest.raises(DataDateMissing):
        remote.topics()
    with pytest.raises(DataDateMissing):
        remote.default_people_version()


def test_a_missing_bucket_is_named_not_taken_for_an_empty_dataset() -> None:
    services.require(services.S3_PORT, "the S3 server")
    remote = StoreCatalog(open_store("s3://intent-no-such-bucket/dataset", services.S3))
    with pytest.raises(StorageError, match="'intent-no-such-bucket' does not exist") as raised:
        remote.complete_dates()
    assert raised.value.kind == "missing"
    with pytest.raises(StorageError, match="does not exist"):
        remote.resolve(DATES[0])


def test_an_unreachable_endpoint_is_named(tmp_path: Path) -> None:
    settings = S3Settings(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    remote = StoreCatalog(open_store("s3://some-bucket/dataset", settings))
    with pytest.raises(StorageError, match=r"127\.0\.0\.1:9 cannot be used") as raised:
        remote.latest_complete_date()
    assert raised.value.kind == "unreachable"


def test_refused_credentials_are_named_not_taken_for_an_empty_dataset(
    refusing_s3: S3Settings,
) -> None:
    remote = StoreCatalog(open_store("s3://intent-data/dataset", refusing_s3))
    with pytest.raises(StorageError, match="refused the credentials") as raised:
        remote.complete_dates()
    assert raised.value.kind == "denied"
    with pytest.raises(StorageError, match="refused the credentials"):
        remote.resolve(DATES[0])
