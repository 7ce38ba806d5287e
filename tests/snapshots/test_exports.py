"""Exports of results.parquet: CSV, JSON Lines and Parquet, with row count, size and checksum."""

import csv
import hashlib
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data import export_rows, exports
from data.errors import ExportError
from data.exports import PARQUET_COLUMNS, iter_export, write_export
from data.snapshots import results_file as results_module
from data.snapshots.results_file import ResultsFile, write_results
from engine.leaf_fields import LEAF_FIELDS, flatten_rows
from engine.schema import RESULT_SCHEMA
from tests.snapshots.factories import make_row, make_topic, result_table, table_of

FORMATS = ["csv", "jsonl", "parquet"]


@pytest.fixture
def results_file(tmp_path):
    """Write a result table as a snapshot's results.parquet and return its path."""

    def write(table):
        path = tmp_path / "results.parquet"
        with path.open("wb") as out:
            write_results(table, out)
        return path

    return write


@pytest.fixture
def small_chunks(monkeypatch):
    """Row groups of 7 rows, exported in chunks of two row groups."""
    monkeypatch.setattr(results_module, "ROW_GROUP_ROWS", 7)
    monkeypatch.setattr(export_rows, "CHUNK_ROWS", 14)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))


def test_csv_header_is_the_dotted_leaf_fields_in_row_order(results_file):
    data = b"".join(iter_export(results_file(table_of([make_row()])), "csv"))
    assert _csv_rows(data)[0] == list(LEAF_FIELDS)


def test_csv_cells_round_trip_commas_quotes_newlines_and_unicode(results_file):
    awkward = ['O"Brien, Jr.', "line\nbreak\r\nagain", "Zoë 日本 🚀"]
    row = make_row(firstName=awkward[0], headline=awkward[1], lastName=awkward[2])
    header, values = _csv_rows(b"".join(iter_export(results_file(table_of([row])), "csv")))
    cells = dict(zip(header, values, strict=True))
    assert [cells["firstName"], cells["headline"], cells["lastName"]] == awkward


@pytest.mark.parametrize("cell", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx", "\x00x"])
def test_csv_prefixes_formula_cells_with_a_quote(results_file, cell):
    path = results_file(table_of([make_row(jobTitle=cell)]))
    header, values = _csv_rows(b"".join(iter_export(path, "csv")))
    assert dict(zip(header, values, strict=True))["jobTitle"] == "'" + cell


def test_csv_writes_nulls_as_empty_cells_and_topic_ids_joined(results_file):
    topics = [make_topic(5, 90), make_topic(2, 70)]
    row = make_row(phone=None, intent={"score": 90, "topicOverlap": 2, "matchedTopics": topics})
    header, values = _csv_rows(b"".join(iter_export(results_file(table_of([row])), "csv")))
    cells = dict(zip(header, values, strict=True))
    assert (cells["phone"], cells["intent.matchedTopics"], cells["intent.score"]) == (
        "",
        "5;2",
        "90",
    )


def test_csv_of_many_batches_has_one_header_and_every_row(results_file, small_chunks):
    rows = _csv_rows(b"".join(iter_export(results_file(result_table(30)), "csv")))
    assert (rows.count(list(LEAF_FIELDS)), len(rows)) == (1, 31)


def test_csv_of_no_results_is_the_header_alone(results_file):
    data = b"".join(iter_export(results_file(RESULT_SCHEMA.empty_table()), "csv"))
    assert _csv_rows(data) == [list(LEAF_FIELDS)]


def _jsonl_rows(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_jsonl_lines_are_the_flat_leaf_fields_in_rank_order(results_file, small_chunks):
    table = result_table(20, seed=5)
    data = b"".join(iter_export(results_file(table), "jsonl"))
    assert _jsonl_rows(data) == flatten_rows(table).to_pylist()


def test_jsonl_keys_are_the_dotted_leaf_names_in_leaf_order(results_file):
    data = b"".join(iter_export(results_file(table_of([make_row()])), "jsonl"))
    assert list(_jsonl_rows(data)[0]) == list(LEAF_FIELDS)


def test_jsonl_keeps_formula_like_text_and_numbers_as_they_are(results_file):
    topics = [make_topic(5, 90), make_topic(2, 70)]
    row = make_row(
        jobTitle="=1+1", intent={"score": 90, "topicOverlap": 2, "matchedTopics": topics}
    )
    (line,) = _jsonl_rows(b"".join(iter_export(results_file(table_of([row])), "jsonl")))
    assert (line["jobTitle"], line["intent.score"], line["intent.matchedTopics"]) == (
        "=1+1",
        90,
        "5;2",
    )


def test_jsonl_of_no_results_is_empty(results_file):
    assert b"".join(iter_export(results_file(RESULT_SCHEMA.empty_table()), "jsonl")) == b""


def test_parquet_export_holds_rank_and_the_nested_api_rows(results_file, small_chunks):
    table = result_table(20, seed=6)
    data = b"".join(iter_export(results_file(table), "parquet"))
    exported = pq.read_table(io.BytesIO(data))
    assert exported.equals(table.select(list(PARQUET_COLUMNS)))


def test_parquet_export_keeps_the_row_groups_and_codec_of_results_parquet(results_file):
    path = results_file(result_table(25_000, seed=2))
    exported = pq.ParquetFile(io.BytesIO(b"".join(iter_export(path, "parquet"))))
    metadata = exported.metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sizes == [10_000, 10_000, 5_000]
    assert exported.metadata.row_group(0).column(0).compression == "ZSTD"


def test_parquet_export_of_the_same_results_is_byte_identical(results_file):
    path = results_file(result_table(300, seed=5))
    assert b"".join(iter_export(path, "parquet")) == b"".join(iter_export(path, "parquet"))


def test_parquet_export_of_no_results_has_the_export_columns(results_file):
    data = b"".join(iter_export(results_file(RESULT_SCHEMA.empty_table()), "parquet"))
    exported = pq.read_table(io.BytesIO(data))
    assert (exported.num_rows, exported.column_names) == (0, list(PARQUET_COLUMNS))


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_of_results_in_memory_equals_export_of_the_file(results_file, fmt):
    path = results_file(result_table(30, seed=4))
    in_memory = ResultsFile(pa.py_buffer(path.read_bytes()))
    assert b"".join(iter_export(in_memory, fmt)) == b"".join(iter_export(path, fmt))


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_streams_one_chunk_per_run_of_row_groups(results_file, small_chunks, fmt):
    chunks = list(iter_export(results_file(result_table(30)), fmt))
    assert len(chunks) == 3  # row groups of 7, 7 | 7, 7 | 2


def test_parquet_export_streams_one_chunk_per_row_group_then_the_footer(results_file, small_chunks):
    chunks = list(iter_export(results_file(result_table(30)), "parquet"))
    assert len(chunks) == 6


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_bytes_do_not_depend_on_the_number_of_workers(
    results_file, small_chunks, monkeypatch, fmt
):
    path = results_file(result_table(200, seed=9))
    monkeypatch.setattr(export_rows, "WORKERS", 1)
    alone = b"".join(iter_export(path, fmt))
    monkeypatch.setattr(export_rows, "WORKERS", 4)
    assert b"".join(iter_export(path, fmt)) == alone


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_info_matches_the_written_file(results_file, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    info = write_export(results_file(result_table(40)), fmt, out)
    data = out.read_bytes()
    assert (info.row_count, info.byte_size) == (40, len(data))
    assert info.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_a_stream_equals_export_to_a_file(results_file, tmp_path, fmt):
    path = results_file(result_table(15))
    stream = io.BytesIO()
    write_export(path, fmt, stream)
    write_export(path, fmt, tmp_path / "out")
    assert stream.getvalue() == (tmp_path / "out").read_bytes()


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("csv", "text/csv"), ("jsonl", "application/x-ndjson"), ("parquet", "parquet")],
)
def test_export_info_names_the_content_type(results_file, fmt, content_type):
    info = write_export(results_file(result_table(3)), fmt, io.BytesIO())
    assert content_type in info.content_type


def test_failed_export_leaves_no_file_behind(results_file, tmp_path, monkeypatch):
    def broken(source):
        yield b"partial"
        raise OSError("results vanished")

    monkeypatch.setitem(exports._ENCODERS, exports.ExportFormat.CSV, broken)
    with pytest.raises(OSError, match="vanished"):
        write_export(results_file(result_table(3)), "csv", tmp_path / "export.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.parquet"]


def test_unknown_export_format_is_refused_by_name(results_file):
    with pytest.raises(ExportError, match="xlsx"):
        write_export(results_file(result_table(3)), "xlsx", io.BytesIO())


def test_missing_results_file_is_refused_by_path(tmp_path):
    with pytest.raises(ExportError, match="nowhere"):
        write_export(tmp_path / "nowhere.parquet", "csv", io.BytesIO())
