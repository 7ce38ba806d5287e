"""Splicing encoded row groups into one file: the bytes of one writer, read back as written."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.errors import ParquetFooterError
from data.parquet_footer import read_footer
from data.parquet_splice import Splicer, row_groups
from data.snapshots.results_file import WRITER_OPTIONS, empty_file, encode_row_group
from engine.schema import RESULT_SCHEMA
from tests.snapshots.factories import result_table


def _one_writer(parts: list[pa.Table]) -> bytes:
    out = io.BytesIO()
    with pq.ParquetWriter(out, RESULT_SCHEMA, **WRITER_OPTIONS) as writer:
        for part in parts:
            writer.write_table(part, row_group_size=part.num_rows)
    return out.getvalue()


def _spliced(parts: list[pa.Table]) -> bytes:
    out = io.BytesIO()
    splicer = Splicer(out, empty_file(RESULT_SCHEMA))
    for part in parts:
        splicer.add_file(memoryview(encode_row_group(part)))
    splicer.close()
    return out.getvalue()


@pytest.fixture(scope="module")
def parts() -> list[pa.Table]:
    table = result_table(900, seed=8)
    return [table.slice(start, 300).combine_chunks() for start in (0, 300, 600)]


def test_row_groups_encoded_apart_and_spliced_are_the_bytes_of_one_writer(parts):
    assert _spliced(parts) == _one_writer(parts)


def test_splicing_no_row_groups_gives_the_empty_file(parts):
    assert _spliced([]) == empty_file(RESULT_SCHEMA) == _one_writer([])


def test_a_spliced_file_reads_back_as_its_parts(parts):
    spliced = pq.ParquetFile(io.BytesIO(_spliced(parts)))
    assert spliced.metadata.num_rows == 900
    assert spliced.read_row_group(1).equals(parts[1])


def test_column_chunks_with_a_page_index_cannot_move(parts):
    encoded = io.BytesIO()
    options = {**WRITER_OPTIONS, "write_page_index": True}
    with pq.ParquetWriter(encoded, RESULT_SCHEMA, **options) as writer:
        writer.write_table(parts[0])
    (group,) = row_groups(read_footer(encoded.getvalue())[0])
    splicer = Splicer(io.BytesIO(), empty_file(RESULT_SCHEMA))
    with pytest.raises(ParquetFooterError, match="page indexes"):
        splicer.add_row_group(group, lambda at, size: encoded.getvalue()[at : at + size])


def test_a_file_of_several_row_groups_splices_as_its_row_groups(parts):
    several = io.BytesIO()
    with pq.ParquetWriter(several, RESULT_SCHEMA, **WRITER_OPTIONS) as writer:
        for part in parts[1:]:
            writer.write_table(part, row_group_size=part.num_rows)
    out = io.BytesIO()
    splicer = Splicer(out, empty_file(RESULT_SCHEMA))
    splicer.add_file(memoryview(encode_row_group(parts[0])))
    splicer.add_file(several.getvalue())
    splicer.close()
    assert out.getvalue() == _one_writer(parts)


def test_a_whole_file_with_a_page_index_cannot_move(parts):
    encoded = io.BytesIO()
    options = {**WRITER_OPTIONS, "write_page_index": True}
    with pq.ParquetWriter(encoded, RESULT_SCHEMA, **options) as writer:
        writer.write_table(parts[0])
    splicer = Splicer(io.BytesIO(), empty_file(RESULT_SCHEMA))
    with pytest.raises(ParquetFooterError, match="page indexes"):
        splicer.add_file(encoded.getvalue())
