"""How much a database did for some statements, counted rather than timed: SQLite's virtual
machine steps, PostgreSQL's rows read from tables and indexes.

PostgreSQL counts only what the engines of `counted_store` do on a database of their own: each
of their connections flushes its statistics as its transaction ends (instead of up to seconds
later), and no other backend's late flush can land in a count.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from data.metadata.engines import create_db_engine
from data.metadata.migrate import upgrade_engine
from data.metadata.sql import SqlMetadataStore

ROWS_READ = sa.text(
    "SELECT (SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables)"
    " + (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes)"
)


def counted_store(url: str) -> SqlMetadataStore:
    """A migrated store at `url` (a SQLite file, or a PostgreSQL database of its own) whose
    work `work_of` can count."""
    engine = create_db_engine(url)
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine, "before_cursor_execute", _flush_statistics_at_transaction_end)
    upgrade_engine(engine)
    return SqlMetadataStore(engine)


@contextmanager
def work_of(store: SqlMetadataStore) -> Iterator[Callable[[], int]]:
    """Count the work of what runs inside; the callable gives the count once it has left."""
    counted = {"work": 0}
    if store.engine.dialect.name == "sqlite":
        with _sqlite_steps(store.engine, counted):
            yield lambda: counted["work"]
        return
    before = _rows_read(store.engine)
    yield lambda: counted["work"]
    counted["work"] = _rows_read(store.engine) - before


@contextmanager
def _sqlite_steps(engine: sa.Engine, counted: dict[str, int]) -> Iterator[None]:
    def step() -> int:
        counted["work"] += 1
        return 0  # go on

    def checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        dbapi_connection.set_progress_handler(step, 1)

    engine.dispose()  # every connection from now on is checked out through the listener
    sa.event.listen(engine, "checkout", checkout)
    try:
        yield
    finally:
        sa.event.remove(engine, "checkout", checkout)
        engine.dispose()


def vacuumed(store: SqlMetadataStore) -> None:
    """PostgreSQL: the dead row versions of every table removed, as autovacuum does; a count
    then shows the work of the live rows (until a vacuum, a claim also reads the index entries
    of the row versions that earlier claims and outcomes left behind)."""
    if store.engine.dialect.name == "postgresql":
        autocommit = store.engine.execution_options(isolation_level="AUTOCOMMIT")
        with autocommit.connect() as connection:
            connection.execute(sa.text("VACUUM"))


def _flush_statistics_at_transaction_end(
    connection: sa.Connection, cursor: Any, *statement: Any
) -> None:
    cursor.connection.execute("SELECT pg_stat_force_next_flush()")


def _rows_read(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        return int(connection.execute(ROWS_READ).scalar_one())
