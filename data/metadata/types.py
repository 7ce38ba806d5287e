"""Column types of the metadata tables that need the same behaviour on SQLite and PostgreSQL.

`UtcDateTime` stores aware UTC datetimes and always returns them aware, whatever the database.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class UtcDateTime(sa.TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE on PostgreSQL, fixed-width naive UTC text on SQLite.

    SQLite has no time zone type: values are written as naive UTC so that text comparison
    orders them, and read back with UTC attached.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        utc = as_utc(value, "a UTC column")
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def as_utc(value: datetime, what: str) -> datetime:
    """`value` as the same instant in UTC; a naive datetime is refused, naming `what`."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} given for {what}")
    return value.astimezone(UTC)
