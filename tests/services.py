"""Reaching the real local services: skip when absent unless INTENT_REQUIRE_SERVICES is set."""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest

from benchmarks.api_services import postgres_database
from data.metadata import tables
from data.metadata.connect import open_store
from data.metadata.sql import SqlMetadataStore

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require(port: int, name: str) -> None:
    """Skip the test when `name` is down, or fail when the environment requires services."""
    if not reachable(port):
        unavailable(f"{name} is not reachable on 127.0.0.1:{port}")


def unavailable(message: str) -> NoReturn:
    """Skip the test for want of a service or tool, or fail when the environment requires them."""
    if os.environ.get("INTENT_REQUIRE_SERVICES"):
        pytest.fail(message + " and INTENT_REQUIRE_SERVICES is set")
    pytest.skip(message)


@contextmanager
def temporary_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (its URL), dropped on exit; skips or fails if absent."""
    require(5432, "PostgreSQL")
    with postgres_database(POSTGRES_URL, prefix) as url:
        yield url


@contextmanager
def migrated_postgres(prefix: str) -> Iterator[SqlMetadataStore]:
    """A store on a new, migrated PostgreSQL database, for a session of tests that empty it."""
    with temporary_database(prefix) as url:
        store = open_store(url)
        try:
            yield store
        finally:
            store.engine.dispose()


def emptied(store: SqlMetadataStore) -> SqlMetadataStore:
    """The store with every table emptied (DELETE: on a few rows, many times faster than
    TRUNCATE)."""
    with store.engine.begin() as connection:
        for table in reversed(tables.metadata.sorted_tables):
            connection.execute(table.delete())
    return store
