"""The outside services a load run borrows: a throwaway PostgreSQL database and a private Redis
queue, both removed afterwards."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import sqlalchemy as sa


@contextmanager
def postgres_database(admin_url: str, prefix: str = "intent_bench") -> Iterator[str]:
    """The URL of a new, empty database on the server of `admin_url`; dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def redis_queue(url: str) -> Iterator[str]:
    """A queue name no one else uses; its keys (the messages nobody consumed) go on exit."""
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    try:
        yield queue
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"dramatiq:{queue}*"))
        if keys:
            client.delete(*keys)
        client.close()


def redis_up(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1.0) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False
