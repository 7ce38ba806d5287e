"""Fixtures of the engine tests: a dataset factory and the backends of the contract suite."""

import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from data.storage import Store, open_store
from engine.backends import Backend, get_backend
from engine.schema import MaterializeInput
from tests import services
from tests.engine.factories import DEFAULT_TOPICS, Intent, write_dataset
from tests.storage.upload import stored_inputs

MakeInputs = Callable[..., MaterializeInput]


@pytest.fixture
def make_inputs(tmp_path: Path) -> MakeInputs:
    """Writes a dataset (people, intent rows, topics) and returns its MaterializeInput."""
    count = iter(range(1_000_000))

    def make(
        people: Sequence[dict[str, Any]] = (),
        intent: Iterable[Intent] = (),
        topics: Sequence[dict[str, Any]] = DEFAULT_TOPICS,
        **options: Any,
    ) -> MaterializeInput:
        return write_dataset(tmp_path / f"dataset-{next(count)}", people, intent, topics, **options)

    return make


class SharedDatasets:
    """Datasets written once per content for the session, on local disk or, with a `store`,
    copied there: every backend of a test then reads the same files. Only for tests that read
    their datasets and never change them."""

    def __init__(self, root: Path, store: Store | None = None) -> None:
        self._root = root
        self._store = store
        self._made: dict[str, MaterializeInput] = {}

    def make(
        self,
        people: Sequence[dict[str, Any]] = (),
        intent: Iterable[Intent] = (),
        topics: Sequence[dict[str, Any]] = DEFAULT_TOPICS,
        **options: Any,
    ) -> MaterializeInput:
        """`make_inputs`'s dataset of this content, written the first time it is asked for."""
        people, intent, topics = list(people), list(intent), list(topics)
        key = repr((people, intent, topics, sorted(options.items())))
        if key not in self._made:
            root = self._root / f"dataset-{len(self._made)}"
            local = write_dataset(root, people, intent, topics, **options)
            stored = local if self._store is None else stored_inputs(local, self._root, self._store)
            self._made[key] = stored
        return self._made[key]


@pytest.fixture(scope="session")
def shared_local_datasets(tmp_path_factory: pytest.TempPathFactory) -> SharedDatasets:
    return SharedDatasets(tmp_path_factory.mktemp("shared-local"))


@pytest.fixture(scope="session")
def shared_s3_datasets(tmp_path_factory: pytest.TempPathFactory, s3_bucket: str) -> SharedDatasets:
    store = open_store(f"s3://{s3_bucket}/{uuid.uuid4().hex}", services.S3)
    return SharedDatasets(tmp_path_factory.mktemp("shared-s3"), store)


@pytest.fixture(params=["local", "s3"])
def make_stored_inputs(request: pytest.FixtureRequest) -> MakeInputs:
    """`make_inputs` on local disk, then again with the dataset read from the S3 server. One
    dataset per content for the session: the tests that take it only read it."""
    shared: SharedDatasets = request.getfixturevalue(f"shared_{request.param}_datasets")
    return shared.make


@pytest.fixture(params=["duckdb", "polars", "reference"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Every implementation of the Backend protocol, one test run each."""
    return get_backend(request.param, threads=2)


@pytest.fixture(params=["duckdb", "polars"])
def fast_backend(request: pytest.FixtureRequest) -> Backend:
    return get_backend(request.param, threads=2)
