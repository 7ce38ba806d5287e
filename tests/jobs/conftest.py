"""Fixtures of the jobs tests: one small dataset per session, stores on every backend, deps."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from data.catalog import DatasetCatalog
from data.metadata.connect import open_store
from data.metadata.memory import MemoryMetadataStore
from data.metadata.sql import SqlMetadataStore
from data.metadata.store import MetadataStore
from data.snapshots import LocalSnapshotStore
from jobs.deps import JobDeps
from jobs.work import InlineRunner
from tests import services
from tests.jobs.factories import (
    AudienceMaker,
    FakeClock,
    RecordingEnqueue,
    audience_maker,
    make_settings,
    publish_tiny,
    write_dataset,
)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("dataset"))


@pytest.fixture(scope="session")
def postgres_store() -> Iterator[SqlMetadataStore]:
    """One migrated PostgreSQL database for the whole session; `emptied` clears it per test."""
    with services.migrated_postgres("intent_jobs") as store:
        yield store


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MetadataStore:
    if request.param == "memory":
        return MemoryMetadataStore()
    if request.param == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'intent.db'}")
    return services.emptied(request.getfixturevalue("postgres_store"))


@pytest.fixture
def memory_store() -> MetadataStore:
    return MemoryMetadataStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def enqueue() -> RecordingEnqueue:
    return RecordingEnqueue()


@pytest.fixture
def make_deps(
    tmp_path: Path, dataset: Path, clock: FakeClock, enqueue: RecordingEnqueue
) -> Callable[..., JobDeps]:
    """`make_deps(store, **overrides)`: deps on `store` with an inline engine-free runner."""

    def make(store: MetadataStore, **overrides: Any) -> JobDeps:
        settings = make_settings(tmp_path, dataset, **overrides.pop("settings", {}))
        values: dict[str, Any] = {
            "store": store,
            "catalog": DatasetCatalog(dataset),
            "snapshots": LocalSnapshotStore(settings.snapshots),
            "enqueue": enqueue,
            "clock": clock,
            "settings": settings,
            "runner": InlineRunner(publish_tiny),
        }
        values.update(overrides)
        return JobDeps(**values)

    return make


@pytest.fixture
def make_audience(store: MetadataStore, clock: FakeClock) -> AudienceMaker:
    return audience_maker(store, clock)


@pytest.fixture
def make_audience_on(clock: FakeClock) -> Callable[[MetadataStore], AudienceMaker]:
    """For tests on one particular store rather than on every store."""
    return lambda store: audience_maker(store, clock)
