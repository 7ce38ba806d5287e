"""Fixtures of the engine tests: a dataset factory and the backends of the contract suite."""

import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from data.storage import open_store
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


@pytest.fixture(params=["local", "s3"])
def make_stored_inputs(
    request: pytest.FixtureRequest, make_inputs: MakeInputs, tmp_path: Path
) -> MakeInputs:
    """`make_inputs` on local disk, then again with the dataset read from the S3 server."""
    if request.param == "local":
        return make_inputs
    bucket = request.getfixturevalue("s3_bucket")
    store = open_store(f"s3://{bucket}/{uuid.uuid4().hex}", services.S3)

    def make(*args: Any, **options: Any) -> MaterializeInput:
        return stored_inputs(make_inputs(*args, **options), tmp_path, store)

    return make


@pytest.fixture(params=["duckdb", "polars", "reference"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Every implementation of the Backend protocol, one test run each."""
    return get_backend(request.param, threads=2)


@pytest.fixture(params=["duckdb", "polars"])
def fast_backend(request: pytest.FixtureRequest) -> Backend:
    return get_backend(request.param, threads=2)
