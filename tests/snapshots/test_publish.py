"""Publishing a snapshot, on every store: manifest, determinism, file format, once per run."""

import hashlib
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.errors import SnapshotError
from data.snapshots.results_file import ROW_GROUP_ROWS, write_results
from engine.schema import RESULT_SCHEMA
from tests.snapshots.factories import result_table


def _results_entry(ref):
    return next(entry for entry in ref.manifest["files"] if entry["path"] == "results.parquet")


def test_manifest_records_run_counts_backend_versions_and_timings(publish):
    manifest = publish(run_id="run-2", attempt=2, inputManifestDigest="d" * 64).manifest
    assert manifest["runId"] == "run-2"
    assert manifest["attempt"] == 2
    assert (manifest["candidateCount"], manifest["resultCount"]) == (30, 30)
    assert (manifest["configHash"], manifest["dataDate"]) == ("c" * 64, "2024-05-01")
    assert manifest["inputManifestDigest"] == "d" * 64
    assert manifest["backend"] == "duckdb"
    assert {"pyarrow", "duckdb", "polars", "intent-engine", "python"} <= set(manifest["versions"])
    assert {"match", "hydrate", "write"} <= set(manifest["timings"])


def test_manifest_lists_results_then_stats(publish):
    assert [entry["path"] for entry in publish().manifest["files"]] == [
        "results.parquet",
        "stats.json",
    ]


def test_stats_given_as_a_function_are_computed_and_stored(store, publish):
    ref = publish(stats=lambda: {"total": 30, "computed": True})
    assert store.read_stats(ref) == {"total": 30, "computed": True}
    assert {"stats", "write"} <= set(ref.manifest["timings"])


def test_stats_that_fail_leave_no_snapshot(store, publish, make_key):
    def failing() -> dict[str, object]:
        raise ValueError("stats went wrong")

    with pytest.raises(ValueError, match="stats went wrong"):
        publish(stats=failing)
    with pytest.raises(SnapshotError):
        store.read_manifest(store.path_of(make_key()))


def test_manifest_counts_the_rows_of_results_parquet(store, publish):
    ref = publish()
    assert _results_entry(ref)["rows"] == store.open_results(ref).metadata.num_rows == 30


def test_same_result_gives_byte_identical_results_parquet(publish):
    table = result_table(2_000, seed=3)
    rechunked = pa.Table.from_batches(table.to_batches(max_chunksize=333))
    first = _results_entry(publish(table, run_id="run-a"))
    second = _results_entry(publish(rechunked, run_id="run-b"))
    assert (first["sha256"], first["bytes"]) == (second["sha256"], second["bytes"])


def test_results_parquet_uses_zstd_and_fixed_row_groups(store, publish, table_25k):
    metadata = store.open_results(publish(table_25k)).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sizes == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 5_000]
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_results_parquet_holds_the_rows_in_rank_order(store, publish):
    table = result_table(50, seed=1)
    assert store.open_results(publish(table)).read().equals(table)


def test_a_run_publishes_once_and_a_later_attempt_gets_the_first_snapshot(publish):
    first = publish(attempt=1)
    again = publish(result_table(5), attempt=2)
    assert again.path == first.path
    assert (again.manifest["attempt"], again.manifest["resultCount"]) == (1, 30)


def test_manifest_extra_may_not_override_computed_fields(publish):
    with pytest.raises(SnapshotError, match="resultCount"):
        publish(resultCount=5)


def test_a_table_that_is_not_a_result_table_is_refused(publish):
    with pytest.raises(SnapshotError, match="RESULT_SCHEMA"):
        publish(pa.table({"rank": [1]}))


@pytest.mark.parametrize("bad", ["", "..", ".staging", "a/b", "x/../y"])
def test_key_parts_must_be_safe_path_components(make_key, bad):
    with pytest.raises(SnapshotError, match="run_id"):
        make_key(run_id=bad)


def _column_chunk(metadata, path):
    row_group = metadata.row_group(0)
    chunks = [row_group.column(i) for i in range(row_group.num_columns)]
    return next(c for c in chunks if c.path_in_schema == path)


@pytest.mark.parametrize(
    ("path", "dictionary"),
    [
        ("seniority", True),
        ("intent.matchedTopics.list.element.topicName", True),
        ("hashedEmail", False),
        ("linkedinUrl", False),
    ],
)
def test_dictionary_encoding_is_kept_for_repetitive_columns_only(store, publish, path, dictionary):
    metadata = store.open_results(publish()).metadata
    assert _column_chunk(metadata, path).has_dictionary_page is dictionary


def test_rank_has_statistics_for_readers_that_filter_by_rank(store, publish, table_25k):
    metadata = store.open_results(publish(table_25k)).metadata
    statistics = _column_chunk(metadata, "rank").statistics
    assert (statistics.min, statistics.max) == (1, 10_000)


def _encoded(table: pa.Table) -> bytes:
    out = io.BytesIO()
    write_results(table, out)
    return out.getvalue()


def test_manifest_checksum_is_the_sha256_of_the_results_file_bytes(table_25k):
    out = io.BytesIO()
    entry = write_results(table_25k, out)
    assert entry["sha256"] == hashlib.sha256(out.getvalue()).hexdigest()
    assert entry["bytes"] == len(out.getvalue())


def test_manifest_says_what_its_checksums_cover(publish):
    assert "whole file" in publish().manifest["checksums"]


def test_results_parquet_names_the_writer_and_its_version():
    created_by = pq.ParquetFile(io.BytesIO(_encoded(result_table(3)))).metadata.created_by
    assert created_by.startswith(f"parquet-cpp-arrow version {pa.__version__}")


def test_results_parquet_of_no_rows_has_the_schema_and_no_row_groups():
    written = pq.ParquetFile(io.BytesIO(_encoded(RESULT_SCHEMA.empty_table())))
    assert (written.metadata.num_row_groups, written.schema_arrow) == (0, RESULT_SCHEMA)
