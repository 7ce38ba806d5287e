"""Snapshot test fixtures: every store implementation, a local one, and publisher factories."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from data.snapshots import LocalSnapshotStore, SnapshotKey, SnapshotRef, SnapshotStore
from data.snapshots.memory import MemorySnapshotStore
from data.snapshots.objects import ObjectSnapshotStore
from data.snapshots.store import StatsSource
from data.storage import open_store
from tests import services
from tests.snapshots.factories import make_result, result_table

Publish = Callable[..., SnapshotRef]
MakeKey = Callable[..., SnapshotKey]


@pytest.fixture(params=["local", "memory", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SnapshotStore]:
    """Each SnapshotStore implementation in turn: the contract tests run on all of them (on S3,
    under a prefix of a fresh bucket of the local server)."""
    if request.param == "local":
        yield LocalSnapshotStore(tmp_path / "snapshots")
    elif request.param == "memory":
        yield MemorySnapshotStore()
    else:
        with services.temporary_bucket("intent-snapshots") as bucket:
            yield ObjectSnapshotStore(open_store(f"s3://{bucket}/snaps", services.S3))


@pytest.fixture
def s3_store() -> Iterator[ObjectSnapshotStore]:
    with services.temporary_bucket("intent-snapshots") as bucket:
        yield ObjectSnapshotStore(open_store(f"s3://{bucket}/snaps", services.S3))


@pytest.fixture
def local_store(tmp_path: Path) -> LocalSnapshotStore:
    return LocalSnapshotStore(tmp_path / "snapshots")


@pytest.fixture
def make_key() -> MakeKey:
    def make(
        run_id: str = "run-1", org_id: str = "org-1", audience_id: str = "aud-1"
    ) -> SnapshotKey:
        return SnapshotKey(org_id, audience_id, run_id)

    return make


def _publisher(store: SnapshotStore, make_key: MakeKey) -> Publish:
    def run(
        table: pa.Table | None = None,
        run_id: str = "run-1",
        attempt: int = 1,
        stats: StatsSource | None = None,
        **extra: Any,
    ) -> SnapshotRef:
        table = result_table(30) if table is None else table
        manifest_extra = {"configHash": "c" * 64, "dataDate": "2024-05-01", **extra}
        return store.publish(
            make_key(run_id),
            make_result(table),
            attempt=attempt,
            stats=stats if stats is not None else {"total": table.num_rows},
            manifest_extra=manifest_extra,
        )

    return run


@pytest.fixture
def publish(store: SnapshotStore, make_key: MakeKey) -> Publish:
    """Publish a generated result (30 rows unless a table is given) into `store`."""
    return _publisher(store, make_key)


@pytest.fixture
def publish_local(local_store: LocalSnapshotStore, make_key: MakeKey) -> Publish:
    return _publisher(local_store, make_key)


@pytest.fixture(scope="session")
def table_25k() -> pa.Table:
    """Three row groups (10k, 10k, 5k) of generated rows."""
    return result_table(25_000, seed=7)
