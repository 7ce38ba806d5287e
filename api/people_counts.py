"""How many people have each value of the filterable columns, for the builder's catalog and hints.

Read from the current people data; with no dataset yet every count is zero rather than an error.
"""

from typing import Final

from api.context import ApiContext
from data.errors import DataNotAvailable
from engine.filters import CATALOG, FilterKind

COUNTED_KINDS: Final = frozenset({FilterKind.VALUES, FilterKind.DOMAINS, FilterKind.DECISION_MAKER})
COUNTED_COLUMNS: Final = tuple(
    dict.fromkeys(spec.column for spec in CATALOG if spec.kind in COUNTED_KINDS)
)
PRESENCE_COLUMNS: Final = tuple(spec.column for spec in CATALOG if spec.kind is FilterKind.PRESENCE)


def people_value_counts(ctx: ApiContext) -> dict[str, dict[str, int]]:
    """`{column: {value: people}}`; a presence column's values are "true" and "false"."""
    try:
        values = ctx.catalog.value_counts(COUNTED_COLUMNS)
        return values | ctx.catalog.presence_counts(PRESENCE_COLUMNS)
    except DataNotAvailable:
        return {}
