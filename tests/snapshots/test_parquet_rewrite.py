"""Rewriting footer structs as bytes: the same bytes the decode-change-encode codec gives."""

import io

import pytest

from data.errors import ParquetFooterError
from data.parquet_footer import Field, Struct, ThriftList, decode_struct, footer_bytes, read_footer
from data.parquet_rewrite import Rewriter, Rules
from data.parquet_splice import CHUNK_META, FILE_ROW_GROUPS, GROUP_COLUMNS, META_DATA_PAGE
from data.snapshots.results_file import encode_results
from tests.snapshots.factories import result_table


@pytest.fixture(scope="module")
def parquet_bytes() -> bytes:
    out = io.BytesIO()
    encode_results(result_table(25_000, seed=12), out)
    return out.getvalue()


def _changed(struct_: Struct, path: tuple[int, ...], change) -> Struct:
    """The decoded struct with every integer at `path` (lists walked through) changed."""
    head, *rest = path
    out = []
    for f in struct_:
        value = f.value
        if f.id == head and not rest:
            value = change(value)
        elif f.id == head and isinstance(value, ThriftList):
            value = ThriftList(
                value.element_type, [_changed(v, tuple(rest), change) for v in value.items]
            )
        elif f.id == head:
            value = _changed(value, tuple(rest), change)
        out.append(Field(f.id, f.type, value))
    return out


def test_no_rules_copy_the_footer_as_it_is(parquet_bytes):
    _, start = read_footer(parquet_bytes)
    rewritten, end = Rewriter(parquet_bytes).struct(start, Rules())
    assert rewritten == parquet_bytes[start:end]
    assert end == len(parquet_bytes) - 8


def test_a_changed_integer_gives_the_bytes_the_codec_encodes(parquet_bytes):
    footer, start = read_footer(parquet_bytes)
    grow = lambda offset: offset * 1000 + 7  # noqa: E731  (longer varints than before)
    rules = Rules(
        structs={FILE_ROW_GROUPS: Rules(structs={GROUP_COLUMNS: Rules(
            structs={CHUNK_META: Rules(integers={META_DATA_PAGE: grow})})})}
    )  # fmt: skip
    rewritten, _ = Rewriter(parquet_bytes).struct(start, rules)
    expected = _changed(footer, (FILE_ROW_GROUPS, GROUP_COLUMNS, CHUNK_META, META_DATA_PAGE), grow)
    assert rewritten == footer_bytes(expected)[:-8]
    assert decode_struct(rewritten, 0)[0] == expected


def test_a_refused_field_names_why(parquet_bytes):
    _, start = read_footer(parquet_bytes)
    with pytest.raises(ParquetFooterError, match="no row groups here"):
        Rewriter(parquet_bytes).struct(
            start, Rules(refused={FILE_ROW_GROUPS: "no row groups here"})
        )


def test_a_footer_cut_short_is_refused(parquet_bytes):
    _, start = read_footer(parquet_bytes)
    with pytest.raises(ParquetFooterError, match="cut short"):
        Rewriter(parquet_bytes[: start + 200]).struct(start, Rules())
