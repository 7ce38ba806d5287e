"""Bringing a metadata database to the newest schema revision with Alembic, safely in parallel.

The upgrade runs in one write transaction that first takes a lock (an advisory lock on
PostgreSQL, the database file's write lock on SQLite), so processes starting together queue up
and all but the first find the schema current.
"""

from pathlib import Path
from typing import Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from data.metadata.engines import create_db_engine, writer

MIGRATIONS: Final = Path(__file__).with_name("migrations")
ADVISORY_LOCK_ID: Final = 0x1A7E_0001  # any constant shared by every process of this project


def upgrade(url: str) -> str | None:
    """Apply every pending revision to the database at `url`; returns the revision now current."""
    engine = create_db_engine(url)
    try:
        return upgrade_engine(engine)
    finally:
        engine.dispose()


def upgrade_engine(engine: sa.Engine) -> str | None:
    """Apply every pending revision through `engine`; returns the revision now current."""
    with writer(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_ID)))
        command.upgrade(alembic_config(connection), "head")
        return current_revision(connection)


def current_revision(connection: sa.Connection) -> str | None:
    """The schema revision recorded in the database, None for an empty one."""
    revision: str | None = MigrationContext.configure(connection).get_current_revision()
    return revision


def alembic_config(connection: sa.Connection) -> Config:
    """An Alembic configuration built in code (no alembic.ini) bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config
