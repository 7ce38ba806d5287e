"""CSV-safe cells: text that a spreadsheet would run as a formula gets a leading `'`.

Cells beginning with `=`, `+`, `-`, `@`, tab, CR or NUL are prefixed (OWASP CSV injection).
"""

from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r", "\x00")
_FIRST_BYTES: Final = pa.array([p.encode() for p in FORMULA_PREFIXES], pa.binary())
_QUOTE: Final = pa.scalar("'", pa.string())


def csv_safe(values: pa.Array) -> pa.Array:
    """The string array with every formula-like cell prefixed by `'`; nulls stay null."""
    first = pc.binary_slice(values.cast(pa.binary()), 0, 1)
    risky = pc.is_in(first, value_set=_FIRST_BYTES)
    if not pc.any(risky).as_py():
        return values
    return pc.if_else(risky, pc.binary_join_element_wise(_QUOTE, values, ""), values)


def csv_safe_table(table: pa.Table) -> pa.Table:
    """Every string column of `table` made CSV-safe; other columns unchanged."""
    columns = [
        pa.chunked_array([csv_safe(c) for c in col.chunks], col.type)
        if pa.types.is_string(col.type)
        else col
        for col in table.columns
    ]
    return pa.table(columns, names=table.column_names)
