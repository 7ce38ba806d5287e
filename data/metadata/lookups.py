"""The statements every API request runs (key, audience, run by id; run insert), built once.

Built per call, each cost SQLAlchemy its construction and cache key (~0.3 ms, as much as the query).
"""

from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from data.metadata.tables import api_keys, audiences, runs

API_KEY: Final = sa.select(api_keys).where(api_keys.c.id == sa.bindparam("key_id"))
ANY_LIVE_AUDIENCE: Final = sa.select(audiences).where(
    audiences.c.id == sa.bindparam("audience_id"), audiences.c.deleted_at.is_(None)
)
LIVE_AUDIENCE: Final = ANY_LIVE_AUDIENCE.where(
    audiences.c.organization_id == sa.bindparam("org_id")
)
RUN: Final = sa.select(runs).where(runs.c.id == sa.bindparam("run_id"))
RUN_OF_ORG: Final = RUN.where(runs.c.organization_id == sa.bindparam("org_id"))


def insert_new(dialect: str, table: sa.Table) -> sa.Insert:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the primary key, for a row given as the
    execution's parameters: it returns no row when a unique key exists already."""
    insert: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement: sa.Insert = insert.on_conflict_do_nothing().returning(*table.primary_key.columns)
    return statement
