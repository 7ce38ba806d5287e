"""Fixtures shared by every test area: the real local services, and the settings of worker
processes on them (the area's `dataset` fixture names the dataset they read)."""

from collections.abc import Iterator

import pika
import pytest
import redis

from data.storage import S3Settings
from tests import services
from tests.e2e.processes import free_port
from tests.jobs.processes import intent_env


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with services.temporary_database("intent_test") as url:
        yield url


@pytest.fixture(scope="session")
def s3_bucket() -> Iterator[str]:
    """One bucket on the local S3 server for the session; tests take their own prefixes."""
    with services.temporary_bucket("intent-test") as bucket:
        yield bucket


@pytest.fixture(scope="session")
def refusing_s3() -> Iterator[S3Settings]:
    """Settings of a second local S3 server that refuses their credentials."""
    with services.refusing_s3(free_port()) as settings:
        yield settings


@pytest.fixture
def redis_url() -> str:
    services.require(6379, "Redis")
    return services.REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    services.require(5672, "RabbitMQ")
    return services.AMQP_URL


@pytest.fixture
def redis_env(tmp_path, dataset, postgres_url, redis_url) -> Iterator[dict[str, str]]:
    """Settings for worker processes on Redis and a fresh PostgreSQL database; keys go after."""
    env = intent_env(tmp_path, dataset, postgres_url, redis_url, INTENT_WORKER_THREADS="2")
    yield env
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"dramatiq:{env['INTENT_QUEUE_NAME']}*"):
        client.delete(key)


@pytest.fixture
def amqp_env(tmp_path, dataset, postgres_url, amqp_url) -> Iterator[dict[str, str]]:
    """Settings for worker processes on RabbitMQ and a fresh PostgreSQL database."""
    env = intent_env(tmp_path, dataset, postgres_url, amqp_url, INTENT_WORKER_THREADS="2")
    yield env
    with pika.BlockingConnection(pika.URLParameters(amqp_url)) as connection:
        channel = connection.channel()
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(env["INTENT_QUEUE_NAME"] + suffix)
