"""CSV-safe cells: text that a spreadsheet would run as a formula gets a leading `'`.

Cells beginning with `=`, `+`, `-`, `@`, tab, CR or NUL are prefixed (OWASP CSV injection).
"""

from typing import Final

import numpy as np
import pyarrow as pa

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r", "\x00")
_QUOTE_BYTE: Final = ord("'")
# Indexed by a cell's first byte: True where that byte starts a formula.
_RISKY_BYTE: Final = np.zeros(256, dtype=bool)
_RISKY_BYTE[[ord(p) for p in FORMULA_PREFIXES]] = True


def csv_safe(values: pa.Array) -> pa.Array:
    """The string array with every formula-like cell prefixed by `'`; nulls stay null."""
    if len(values) == 0 or values.buffers()[2] is None:
        return values
    offsets = _offsets(values)
    risky = formula_cells(offsets, np.frombuffer(values.buffers()[2], np.uint8))
    if not risky.any():  # the common case: no validity bitmap needed
        return values
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    return _prefixed(values, offsets, risky & valid, valid)


def formula_cells(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Which cells begin with a formula character: one gather of each cell's first byte.

    np.take with intp indices: plain fancy indexing is several times slower on int32 offsets.
    """
    starts = offsets[:-1].astype(np.intp)
    nonempty = offsets[1:] > offsets[:-1]
    if not len(data):
        return np.zeros(len(starts), dtype=bool)
    first = np.take(data, np.minimum(starts, len(data) - 1))
    return np.asarray(nonempty & np.take(_RISKY_BYTE, first))


def _prefixed(
    values: pa.Array, offsets: np.ndarray, risky: np.ndarray, valid: np.ndarray
) -> pa.Array:
    """A new string array with `'` inserted before each risky cell, built on the raw buffers."""
    base = offsets - offsets[0]
    data = np.frombuffer(values.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    new_data = np.insert(data, np.take(base, np.flatnonzero(risky)), _QUOTE_BYTE)
    shift = np.concatenate(([0], np.cumsum(risky, dtype=np.int32)))
    new_offsets = (base + shift).astype(np.int32)
    validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if values.null_count else None
    buffers = [validity, pa.py_buffer(new_offsets), pa.py_buffer(new_data)]
    return pa.Array.from_buffers(pa.string(), len(values), buffers, values.null_count)


def _offsets(values: pa.Array) -> np.ndarray:
    raw = np.frombuffer(values.buffers()[1], np.int32)
    return raw[values.offset : values.offset + len(values) + 1]


def csv_safe_table(table: pa.Table) -> pa.Table:
    """Every string column of `table` made CSV-safe; other columns unchanged."""
    columns = [
        pa.chunked_array([csv_safe(c) for c in col.chunks], col.type)
        if pa.types.is_string(col.type)
        else col
        for col in table.columns
    ]
    return pa.table(columns, names=table.column_names)
