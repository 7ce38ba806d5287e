"""Reaching the real local services: skip when absent unless INTENT_REQUIRE_SERVICES is set."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pyarrow.fs as pafs
import pytest

from benchmarks.api_services import postgres_database
from data.metadata import tables
from data.metadata.connect import open_store
from data.metadata.sql import SqlMetadataStore
from data.storage import S3Settings

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
S3_PORT = 9000
S3 = S3Settings(  # the local S3-compatible server of .ci/services takes any credentials
    endpoint_url=f"http://127.0.0.1:{S3_PORT}",
    access_key_id="intent-test",
    secret_access_key="intent-test",
    region="us-east-1",
)


def aws_env() -> dict[str, str]:
    """The AWS_* variables that point a process at the local S3 server."""
    return {
        "AWS_ENDPOINT_URL": S3.endpoint_url or "",
        "AWS_ACCESS_KEY_ID": S3.access_key_id or "",
        "AWS_SECRET_ACCESS_KEY": S3.secret_access_key or "",
        "AWS_REGION": S3.region or "",
    }


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
def temporary_bucket(prefix: str) -> Iterator[str]:
    """A new, empty bucket on the local S3 server (its name), deleted with its objects on exit;
    skips or fails if the server is absent."""
    require(S3_PORT, "the S3 server")
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    admin = pafs.S3FileSystem(
        endpoint_override=S3.endpoint_url,
        access_key=S3.access_key_id,
        secret_key=S3.secret_access_key,
        region=S3.region,
        allow_bucket_creation=True,
        allow_bucket_deletion=True,
    )
    admin.create_dir(name)
    try:
        yield name
    finally:
        admin.delete_dir(name)


@contextmanager
def refusing_s3(port: int) -> Iterator[S3Settings]:
    """A second local S3 server, on `port`, that checks credentials (it knows no access key, so
    it refuses every request), and the settings that point at it; stopped on exit."""
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists():
        unavailable(f"{server} is not installed")
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"}
    command = [str(server), "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while not reachable(port):
            if process.poll() is not None or time.monotonic() > deadline:
                unavailable(f"the credential-checking S3 server did not start on port {port}")
            time.sleep(0.1)
        yield S3Settings(
            endpoint_url=f"http://127.0.0.1:{port}",
            access_key_id="intent-unknown-key",
            secret_access_key="intent-unknown-secret",
            region="us-east-1",
        )
    finally:
        process.terminate()
        process.wait(10)


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
