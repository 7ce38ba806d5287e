"""Fixtures of the fault suite: one small dataset per session, and worker settings on either
broker (the services themselves come from tests/conftest.py)."""

from pathlib import Path

import pytest

from tests.jobs.factories import write_dataset


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("dataset"))


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Worker settings on Redis, then on RabbitMQ (each with its own queue and database)."""
    fixture = {"redis": "redis_env", "rabbitmq": "amqp_env"}[request.param]
    env: dict[str, str] = request.getfixturevalue(fixture)
    return env
