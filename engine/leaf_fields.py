"""The leaf fields of the API result row and the flattening of result tables into them.

Stats, CSV and flat exports all name fields the same way: dotted paths in API.md order.
"""

from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from engine.schema import RESULT_SCHEMA

# Storage-only columns of results.parquet that are not part of the API row.
STORAGE_COLUMNS: Final = ("rank", "personId")
MATCHED_TOPICS: Final = "intent.matchedTopics"
TOPIC_SEPARATOR: Final = ";"


def _leaf_names(schema: pa.Schema) -> tuple[str, ...]:
    names: list[str] = []
    for field in schema:
        if field.name in STORAGE_COLUMNS:
            continue
        if pa.types.is_struct(field.type):
            names.extend(f"{field.name}.{child.name}" for child in field.type)
        else:
            names.append(field.name)
    return tuple(names)


LEAF_FIELDS: Final[tuple[str, ...]] = _leaf_names(RESULT_SCHEMA)
ROW_FIELDS: Final[tuple[str, ...]] = tuple(
    n for n in RESULT_SCHEMA.names if n not in STORAGE_COLUMNS
)


def leaf_column(table: pa.Table, name: str) -> pa.ChunkedArray:
    """One leaf field by dotted name; a null parent struct makes the leaf null."""
    parent, _, child = name.partition(".")
    column = table.column(parent)
    return pc.struct_field(column, child) if child else column


def leaf_columns(table: pa.Table) -> dict[str, pa.ChunkedArray]:
    """Every leaf field of a RESULT_SCHEMA table by dotted name, as stored (lists not joined)."""
    return {name: leaf_column(table, name) for name in LEAF_FIELDS}


def flatten_rows(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """Flat rows in LEAF_FIELDS order; matchedTopics becomes `;`-separated topic ids."""
    table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
    columns = leaf_columns(table)
    columns[MATCHED_TOPICS] = pa.chunked_array(
        [join_topic_ids(chunk) for chunk in columns[MATCHED_TOPICS].chunks], pa.string()
    )
    return pa.table(columns)


def join_topic_ids(matched: pa.Array) -> pa.Array:
    """list<struct{topicId, ...}> -> "id;id;..." per row; an empty list is "", a null stays null."""
    offsets = matched.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    # Rebase onto a fresh offsets array: Arrow refuses a null mask over sliced offsets.
    ids = pc.struct_field(matched.values.slice(start, end - start), "topicId").cast(pa.string())
    lists = pa.ListArray.from_arrays(pc.subtract(offsets, start), ids, mask=matched.is_null())
    return pc.binary_join(lists, TOPIC_SEPARATOR)
