"""Run statistics over a result table: fill rates, score histogram, averages and breakdowns.

Vectorized with pyarrow.compute; the output is the `stats` object of API.md (plus breakdowns).
"""

from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine.labels import label
from engine.leaf_fields import leaf_column, leaf_columns

# (bucket label, lowest score, highest score); scores below 50 never reach a result.
SCORE_BUCKETS: Final = (("50-69", 50, 69), ("70-89", 70, 89), ("90-99", 90, 99))
# breakdown key -> dotted leaf field it counts
BREAKDOWN_FIELDS: Final = {
    "industries": "company.industry",
    "seniorities": "seniority",
    "departments": "department",
    "countries": "location.country",
}


def percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 2) if total else 0.0


def compute_stats(table: pa.Table) -> dict[str, Any]:
    """`{total, fillRates, scoreHistogram, averages, breakdowns}` of a RESULT_SCHEMA table."""
    columns = leaf_columns(table)
    total = table.num_rows
    return {
        "total": total,
        "fillRates": {
            name: {"count": (n := filled_count(col)), "percent": percent(n, total)}
            for name, col in columns.items()
        },
        "scoreHistogram": score_histogram(columns["intent.score"], total),
        "averages": {
            "score": mean(columns["intent.score"]),
            "topicOverlap": mean(columns["intent.topicOverlap"]),
        },
        "breakdowns": breakdowns(table),
    }


def filled_count(column: pa.ChunkedArray) -> int:
    """Rows with a value: non-null, and for text and lists also non-empty."""
    if pa.types.is_string(column.type):
        return sum(_nonempty_strings(chunk) for chunk in column.chunks)
    if pa.types.is_list(column.type):
        return int(pc.sum(pc.greater(pc.list_value_length(column), 0)).as_py() or 0)
    return int(len(column) - column.null_count)


def _nonempty_strings(values: pa.Array) -> int:
    """Valid, non-empty strings, read off the offsets (no array of lengths is built)."""
    offsets = np.frombuffer(values.buffers()[1], np.int32)[values.offset :][: len(values) + 1]
    nonempty = offsets[1:] != offsets[:-1]
    if values.null_count:  # a null's offsets may differ too: Arrow leaves its bytes undefined
        nonempty &= values.is_valid().to_numpy(zero_copy_only=False)
    return int(np.count_nonzero(nonempty))


def score_histogram(scores: pa.ChunkedArray, total: int) -> list[dict[str, Any]]:
    buckets = []
    for name, low, high in SCORE_BUCKETS:
        inside = pc.and_(pc.greater_equal(scores, low), pc.less_equal(scores, high))
        count = int(pc.sum(inside).as_py() or 0)
        buckets.append({"bucket": name, "count": count, "percent": percent(count, total)})
    return buckets


def mean(column: pa.ChunkedArray) -> float:
    value = pc.mean(column).as_py()
    return round(float(value), 2) if value is not None else 0.0


def breakdowns(table: pa.Table, limit: int = 10) -> dict[str, list[dict[str, object]]]:
    """Top `limit` values of industry, seniority, department and country: count desc, value asc."""
    return {
        key: top_values(leaf_column(table, field), limit) for key, field in BREAKDOWN_FIELDS.items()
    }


def top_values(column: pa.ChunkedArray, limit: int) -> list[dict[str, object]]:
    """`[{value, label, count}]` of the non-empty values of `column`, most frequent first."""
    counts = pc.value_counts(column)  # then the few distinct values are filtered, not the rows
    counts = counts.filter(
        pc.fill_null(pc.greater(pc.binary_length(counts.field("values")), 0), False)
    )
    if len(counts) == 0:
        return []
    order = pc.sort_indices(
        pa.table({"count": counts.field("counts"), "value": counts.field("values")}),
        sort_keys=[("count", "descending"), ("value", "ascending")],
    )
    top = counts.take(order[:limit]).to_pylist()
    return [{"value": v["values"], "label": label(v["values"]), "count": v["counts"]} for v in top]
