"""Fixtures of the engine tests: a dataset factory and the backends of the contract suite."""

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from engine.backends import Backend, get_backend
from engine.schema import MaterializeInput
from tests.engine.factories import DEFAULT_TOPICS, Intent, write_dataset

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


@pytest.fixture(params=["duckdb", "polars", "reference"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Every implementation of the Backend protocol, one test run each."""
    return get_backend(request.param, threads=2)


@pytest.fixture(params=["duckdb", "polars"])
def fast_backend(request: pytest.FixtureRequest) -> Backend:
    return get_backend(request.param, threads=2)
