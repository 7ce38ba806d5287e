"""The Parquet footer codec: pyarrow's footers come back byte for byte; broken files are refused."""

import io
import struct

import pyarrow.parquet as pq
import pytest

from data.errors import ParquetFooterError
from data.parquet_footer import (
    BINARY,
    BYTE,
    DOUBLE,
    FALSE,
    I16,
    I64,
    LIST,
    STRUCT,
    TRUE,
    Field,
    ThriftList,
    decode_struct,
    footer_bytes,
    read_footer,
)
from data.snapshots.results_file import encode_results
from tests.snapshots.factories import result_table


@pytest.fixture(scope="module")
def parquet_bytes() -> bytes:
    """A results file of three row groups, with dictionaries, statistics and nested columns."""
    out = io.BytesIO()
    encode_results(result_table(25_000, seed=11), out)
    return out.getvalue()


def test_a_decoded_footer_encodes_to_the_bytes_pyarrow_wrote(parquet_bytes):
    footer, start = read_footer(parquet_bytes)
    assert footer_bytes(footer) == parquet_bytes[start:]


def test_every_thrift_type_the_codec_knows_round_trips():
    fields = [
        Field(1, FALSE, False),
        Field(2, TRUE, True),
        Field(3, BYTE, 255),
        Field(4, I16, -7),
        Field(20, I64, -(2**62)),  # a jump of more than 15 ids takes the long header
        Field(21, DOUBLE, b"\x00\x00\x00\x00\x00\x00\xf0?"),
        Field(22, BINARY, "Zoë".encode()),
        Field(23, LIST, ThriftList(TRUE, [1, 2, 1])),
        Field(24, LIST, ThriftList(I64, list(range(-20, 20)))),
        Field(25, STRUCT, [Field(1, BINARY, b""), Field(2, STRUCT, [])]),
    ]
    encoded = footer_bytes(fields)[:-8]
    assert decode_struct(encoded, 0) == (fields, len(encoded))


def test_bytes_without_the_parquet_magic_are_refused(parquet_bytes):
    with pytest.raises(ParquetFooterError, match="magic"):
        read_footer(b"XXXX" + parquet_bytes[4:])


def test_a_footer_cut_short_is_refused(parquet_bytes):
    _, start = read_footer(parquet_bytes)
    cut = parquet_bytes[start:-48]  # the footer without its last 40 bytes
    with pytest.raises(ParquetFooterError, match="cut short"):
        read_footer(parquet_bytes[:start] + cut + struct.pack("<I", len(cut)) + b"PAR1")


def test_pyarrow_reads_a_footer_encoded_here(parquet_bytes):
    footer, start = read_footer(parquet_bytes)
    rebuilt = parquet_bytes[:start] + footer_bytes(footer)
    assert pq.read_table(io.BytesIO(rebuilt)).equals(pq.read_table(io.BytesIO(parquet_bytes)))
