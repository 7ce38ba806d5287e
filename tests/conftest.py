"""Fixtures shared by every test area: the real local services."""

from collections.abc import Iterator

import pytest

from tests import services


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with services.temporary_database("intent_test") as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    services.require(6379, "Redis")
    return services.REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    services.require(5672, "RabbitMQ")
    return services.AMQP_URL
