"""Topic discovery fixtures: the hand-made dataset (built once, copied per test when changed)
and `make_client`, a test client of the whole app over a dataset."""

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Protocol

import pytest
from litestar.testing import TestClient

from api.app import create_app
from data.catalog import DatasetCatalog
from data.metadata.memory import MemoryMetadataStore
from data.snapshots import LocalSnapshotStore
from jobs.deps import JobDeps
from jobs.produce import produce_snapshot
from jobs.work import InlineRunner
from tests.api.factories import RecordingEnqueue, SetClock, make_settings
from tests.topics import handmade

Client = TestClient  # type: ignore[type-arg]


class MakeClient(Protocol):
    def __call__(self, dataset: Path | None = None, **settings: Any) -> Client: ...


@pytest.fixture(scope="session")
def handmade_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return handmade.build(tmp_path_factory.mktemp("handmade") / "dataset")


@pytest.fixture
def dataset_copy(handmade_dataset: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(handmade_dataset, tmp_path / "dataset"))


@pytest.fixture
def make_client(tmp_path: Path, handmade_dataset: Path) -> Iterator[MakeClient]:
    with ExitStack() as stack:

        def make(dataset: Path | None = None, **settings: Any) -> Client:
            root = dataset or handmade_dataset
            config = make_settings(tmp_path / "home", root, **settings)
            deps = JobDeps(
                store=MemoryMetadataStore(),
                catalog=DatasetCatalog(root),
                snapshots=LocalSnapshotStore(config.snapshots),
                enqueue=RecordingEnqueue(),
                clock=SetClock(),
                settings=config,
                runner=InlineRunner(produce_snapshot),
            )
            return stack.enter_context(TestClient(create_app(config, deps)))

        yield make


@pytest.fixture
def client(make_client: MakeClient) -> Client:
    return make_client()
