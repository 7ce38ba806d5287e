"""The metadata store contract fixtures: one `store` per implementation, and row factories.

Every test that takes `store` runs on memory, a fresh SQLite file and PostgreSQL; both
databases start migrated and empty (tests/metadata/test_migrations.py covers the migrating).
"""

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from data.metadata.connect import create_db_engine
from data.metadata.memory import MemoryMetadataStore
from data.metadata.migrate import upgrade
from data.metadata.models import Audience, Export, Organization, Run
from data.metadata.sql import SqlMetadataStore
from data.metadata.store import MetadataStore
from engine.states import RunStatus
from tests import services
from tests.metadata import factories
from tests.metadata.factories import NOW, at

SQL_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def shared_postgres() -> Iterator[SqlMetadataStore]:
    """One migrated PostgreSQL database for the whole contract suite, emptied before each test.

    A fresh database per test (the `postgres_url` fixture) costs ~0.7 s to create, migrate and
    drop; the migration tests still use fresh ones.
    """
    with services.migrated_postgres("intent_metadata") as shared:
        yield shared


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies: cheaper than migrating a file per test."""
    path = tmp_path_factory.mktemp("metadata") / "template.db"
    upgrade(f"sqlite:///{path}")  # closing its engine checkpoints the WAL into the file
    return path


@contextmanager
def _sql_store(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[SqlMetadataStore]:
    if backend == "postgresql":
        yield services.emptied(request.getfixturevalue("shared_postgres"))
        return
    path = tmp_path / "metadata.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    sqlite_store = SqlMetadataStore(create_db_engine(f"sqlite:///{path}"))
    try:
        yield sqlite_store
    finally:
        sqlite_store.engine.dispose()


@pytest.fixture(params=["memory", *SQL_BACKENDS])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MetadataStore]:
    if request.param == "memory":
        yield MemoryMetadataStore()
        return
    with _sql_store(request.param, request, tmp_path) as sql:
        yield sql


@pytest.fixture(params=SQL_BACKENDS)
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlMetadataStore]:
    with _sql_store(request.param, request, tmp_path) as sql:
        yield sql


@pytest.fixture
def make_org(store: MetadataStore) -> Callable[..., Organization]:
    count = iter(range(1_000_000))

    def make(name: str | None = None, audience_slots: int = 10) -> Organization:
        return store.create_organization(name or f"org-{next(count)}", audience_slots, NOW)

    return make


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("acme")


@pytest.fixture
def make_audience(store: MetadataStore, org: Organization) -> Callable[..., Audience]:
    def make(**overrides: Any) -> Audience:
        row = factories.audience(overrides.pop("organization_id", org.id), **overrides)
        store.create_audience(row)
        return row

    return make


@pytest.fixture
def audience(make_audience: Callable[..., Audience]) -> Audience:
    return make_audience()


@pytest.fixture
def make_run(store: MetadataStore, audience: Audience) -> Callable[..., Run]:
    def make(parent: Audience | None = None, **overrides: Any) -> Run:
        row = factories.run(parent or audience, **overrides)
        assert store.insert_run(row)
        return row

    return make


@pytest.fixture
def make_export(store: MetadataStore, make_run: Callable[..., Run]) -> Callable[..., Export]:
    def make(parent: Run | None = None, **overrides: Any) -> Export:
        row = factories.export(parent or make_run(), **overrides)
        assert store.create_export(row)
        return row

    return make


@pytest.fixture
def run_in(store: MetadataStore, make_run: Callable[..., Run]) -> Callable[..., Run]:
    """A stored run brought to `status` through the store's own guarded writes (attempt 1)."""

    def make(status: RunStatus, **overrides: Any) -> Run:
        row = make_run(**overrides)
        if status == RunStatus.CANCELLED:
            assert store.cancel_run(row.id, NOW)
        elif status != RunStatus.QUEUED:
            assert store.claim_run(row.id, NOW, at(30)) is not None
            _finish(store, row, status)
        current = store.get_run(row.id)
        assert current is not None
        assert current.status == status
        return current

    return make


def _finish(store: MetadataStore, row: Run, status: RunStatus) -> None:
    if status == RunStatus.COMPLETED:
        done: dict[str, Any] = {
            "candidate_count": 9,
            "result_count": 7,
            "snapshot_path": f"snap/{row.id}",
        }
        assert store.complete_run(row.id, 1, now=at(10), **done)
    elif status == RunStatus.FAILED:
        assert store.fail_run(row.id, 1, "INTERNAL", "boom", at(10))
