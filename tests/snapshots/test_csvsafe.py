"""CSV injection: formula-like cells get a leading quote, everything else passes unchanged."""

import pyarrow as pa
import pytest

from engine.csvsafe import FORMULA_PREFIXES, csv_safe, csv_safe_table


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_cell_starting_with_a_formula_character_gets_a_quote_prefix(prefix):
    cell = f"{prefix}HYPERLINK(1)"
    assert csv_safe(pa.array([cell])).to_pylist() == [f"'{cell}"]


@pytest.mark.parametrize(
    "cell", ["plain", "a=b", "x-1", "ünïcødé", "'already quoted", ' "quoted" ', "日本=", ""]
)
def test_cell_not_starting_with_a_formula_character_is_unchanged(cell):
    assert csv_safe(pa.array([cell])).to_pylist() == [cell]


def test_nulls_stay_null_beside_prefixed_cells():
    assert csv_safe(pa.array(["=1", None])).to_pylist() == ["'=1", None]


def test_only_string_columns_of_a_table_are_touched():
    table = pa.table({"n": pa.array([-1], pa.int8()), "s": ["-1"]})
    safe = csv_safe_table(table)
    assert safe.to_pylist() == [{"n": -1, "s": "'-1"}]


def test_sliced_array_is_made_safe_cell_by_cell():
    values = pa.array(["=a", "b", "+c", None, "d"]).slice(1, 3)
    assert csv_safe(values).to_pylist() == ["b", "'+c", None]


def test_null_cell_over_formula_bytes_stays_null():
    offsets = pa.array([0, 2, 4], pa.int32()).buffers()[1]
    validity = pa.array([False, True]).buffers()[1]
    values = pa.Array.from_buffers(pa.string(), 2, [validity, offsets, pa.py_buffer(b"=x=y")], 1)
    assert csv_safe(values).to_pylist() == [None, "'=y"]
