"""Idempotency records as SQL statements: the takeover of an abandoned one, answer, release, purge.

Each statement is one guarded write, so of many requests racing on one key exactly one wins.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from data.metadata.models import IdempotencyRecord, OrgId
from data.metadata.tables import idempotency_keys as keys

Insert = postgresql.Insert | sqlite.Insert  # the dialect INSERTs that have ON CONFLICT


def where_key(org_id: OrgId, key: str) -> tuple[sa.ColumnElement[bool], ...]:
    return keys.c.organization_id == org_id, keys.c.key == key


def row(org_id: OrgId, key: str) -> sa.Select[Any]:
    return sa.select(keys).where(*where_key(org_id, key))


def take_over(insert: Insert, record: IdempotencyRecord, abandoned_before: datetime) -> sa.Insert:
    """`insert` of `record` that, on its key, replaces only an in-flight record reserved before
    `abandoned_before`: the first taker rewrites its time, so the others find it fresh."""
    abandoned = sa.and_(keys.c.status_code.is_(None), keys.c.created_at < abandoned_before)
    return insert.on_conflict_do_update(
        index_elements=list(keys.primary_key.columns),
        set_={"fingerprint": record.fingerprint, "created_at": record.created_at},
        where=abandoned,
    )


def answer(org_id: OrgId, key: str, status_code: int, body: bytes) -> sa.Update:
    values = {"status_code": status_code, "response_body": body}
    return sa.update(keys).where(*where_key(org_id, key)).values(values)


def release(org_id: OrgId, key: str) -> sa.Delete:
    """Forget the record while it is in flight; an answered one stays."""
    return sa.delete(keys).where(*where_key(org_id, key), keys.c.status_code.is_(None))


def purge(older_than: datetime) -> sa.Delete:
    return sa.delete(keys).where(keys.c.created_at < older_than)
