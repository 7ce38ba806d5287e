"""Fixtures shared by every test area: the real local services."""

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests import services


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    services.require(5432, "PostgreSQL")
    name = f"intent_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(services.POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield services.POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    services.require(6379, "Redis")
    return services.REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    services.require(5672, "RabbitMQ")
    return services.AMQP_URL
