"""The run lifecycle state machine, run against every metadata store."""

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from data.metadata.connect import open_store
from data.metadata.memory import MemoryMetadataStore
from tests import services
from tests.jobs.lifecycle_machine import RunLifecycle

MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# The model is the same for every store; the SQL stores replay fewer, shorter sequences of it.
SQL_SETTINGS = settings(MACHINE_SETTINGS, max_examples=8, stateful_step_count=30)


def _sqlite_stores(root: Path):
    numbers = itertools.count()
    return lambda: open_store(f"sqlite:///{root / f'machine-{next(numbers)}.db'}")


def _postgres_stores(store):
    return lambda: services.emptied(store)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request, tmp_path):
    if request.param == "memory":
        return MemoryMetadataStore, MACHINE_SETTINGS
    if request.param == "sqlite":
        return _sqlite_stores(tmp_path), SQL_SETTINGS
    return _postgres_stores(request.getfixturevalue("postgres_store")), SQL_SETTINGS


def test_run_lifecycle_keeps_its_invariants(make_store, dataset, tmp_path) -> None:
    stores, machine_settings = make_store
    machine = type(
        "Lifecycle",
        (RunLifecycle,),
        {"make_store": staticmethod(stores), "root": tmp_path, "dataset": dataset},
    )
    run_state_machine_as_test(machine, settings=machine_settings)
