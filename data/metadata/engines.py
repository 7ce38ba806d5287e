"""Database engines of the metadata store: a SQLite file (the default) or PostgreSQL.

SQLite engines run in WAL mode with a busy timeout, and write transactions begin IMMEDIATE so
that concurrent writers wait for each other instead of failing on a lock upgrade.
"""

import contextlib
import sqlite3
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

WRITE_OPTION: Final = "intent_write"  # execution option that marks a write transaction
BUSY_TIMEOUT_SECONDS: Final = 5.0


def create_db_engine(url: str) -> sa.Engine:
    """An engine for `url`: `sqlite:///path` or `postgresql+psycopg://...`."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def writer(engine: sa.Engine) -> sa.Engine:
    """The same engine, but its transactions take the write lock as they begin (SQLite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def write_gate(engine: sa.Engine) -> AbstractContextManager[object]:
    """What this process holds around each write transaction on `engine`. SQLite: a lock, so that
    the process's writers take turns at once instead of polling SQLite's busy handler, which
    sleeps between tries (up to 100 ms); other processes still wait on the busy timeout.
    PostgreSQL locks rows, not the database: nothing."""
    if engine.dialect.name == "sqlite":
        return threading.Lock()
    return contextlib.nullcontext()


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # The driver's own implicit BEGIN is turned off: `_sqlite_begin` emits it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    _enter_wal_mode(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode, much faster
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _enter_wal_mode(cursor: Any) -> None:
    """Switch the file to WAL mode (a no-op once it is). The switch needs the file to itself, and
    SQLite answers "database is locked" at once, without its busy handler, when another connection
    is switching a new file at the same moment: retried here for up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _sqlite_begin(connection: sa.Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
