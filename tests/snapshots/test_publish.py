"""Publishing a snapshot: layout, manifest, determinism and atomicity."""

import hashlib
import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.errors import SnapshotError
from data.snapshots import local as local_module
from data.snapshots import write_snapshot_dir
from data.snapshots.results_file import ROW_GROUP_ROWS
from tests.snapshots.factories import make_result, result_table


def test_published_snapshot_lives_under_org_audience_and_run(store, publish):
    ref = publish(run_id="run-9")
    assert ref.path == store.root / "org-1" / "aud-1" / "run-9"
    assert sorted(p.name for p in ref.path.iterdir()) == [
        "manifest.json",
        "results.parquet",
        "stats.json",
    ]


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


def test_manifest_file_entries_match_the_files_on_disk(publish):
    ref = publish()
    for entry in ref.manifest["files"]:
        data = (ref.path / entry["path"]).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


def test_manifest_counts_the_rows_of_results_parquet(publish):
    files = {entry["path"]: entry for entry in publish().manifest["files"]}
    assert files["results.parquet"]["rows"] == 30


def test_same_result_gives_byte_identical_results_parquet(publish):
    table = result_table(2_000, seed=3)
    rechunked = pa.Table.from_batches(table.to_batches(max_chunksize=333))
    first = publish(table, run_id="run-a").path / "results.parquet"
    second = publish(rechunked, run_id="run-b").path / "results.parquet"
    assert first.read_bytes() == second.read_bytes()


def test_results_parquet_uses_zstd_and_fixed_row_groups(publish, table_25k):
    metadata = pq.ParquetFile(publish(table_25k).path / "results.parquet").metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sizes == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 5_000]
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_results_parquet_holds_the_rows_in_rank_order(publish):
    table = result_table(50, seed=1)
    stored = pq.read_table(publish(table).path / "results.parquet")
    assert stored.equals(table)


def test_a_run_publishes_once_and_a_later_attempt_gets_the_first_snapshot(publish):
    first = publish(attempt=1)
    again = publish(result_table(5), attempt=2)
    assert again.path == first.path
    assert (again.manifest["attempt"], again.manifest["resultCount"]) == (1, 30)


def test_crash_before_rename_leaves_no_visible_snapshot_or_staging(
    store, make_key, publish, monkeypatch
):
    def crash(src, dst):
        raise OSError("disk vanished")

    monkeypatch.setattr(local_module.os, "rename", crash)
    with pytest.raises(SnapshotError, match="run-1"):
        publish()
    assert not store.path_of(make_key()).exists()
    assert list(store.staging_root.iterdir()) == []


def test_crash_while_writing_leaves_no_visible_snapshot(store, make_key, publish, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(local_module, "write_snapshot_dir", crash)
    with pytest.raises(RuntimeError):
        publish()
    assert not store.path_of(make_key()).exists()
    with pytest.raises(SnapshotError):
        store.read_manifest(store.path_of(make_key()))


def test_attempt_losing_the_rename_race_returns_the_winners_snapshot(store, publish, monkeypatch):
    real_write = local_module.write_snapshot_dir

    def write_while_other_attempt_wins(out, result, stats, manifest):
        monkeypatch.setattr(local_module, "write_snapshot_dir", real_write)
        publish(result_table(3), attempt=1)
        return real_write(out, result, stats, manifest)

    monkeypatch.setattr(local_module, "write_snapshot_dir", write_while_other_attempt_wins)
    ref = publish(attempt=2)
    assert (ref.manifest["attempt"], ref.manifest["resultCount"]) == (1, 3)
    assert list(store.staging_root.iterdir()) == []


def test_manifest_extra_may_not_override_computed_fields(publish):
    with pytest.raises(SnapshotError, match="resultCount"):
        publish(resultCount=5)


@pytest.mark.parametrize("bad", ["", "..", ".staging", "a/b", "x/../y"])
def test_key_parts_must_be_safe_path_components(make_key, bad):
    with pytest.raises(SnapshotError, match="run_id"):
        make_key(run_id=bad)


def test_write_snapshot_dir_writes_the_three_files_into_the_given_directory(tmp_path):
    out = tmp_path / "out"
    manifest = write_snapshot_dir(out, make_result(result_table(10)), {"total": 10}, {"runId": "x"})
    assert sorted(os.listdir(out)) == ["manifest.json", "results.parquet", "stats.json"]
    assert [entry["path"] for entry in manifest["files"]] == ["results.parquet", "stats.json"]


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
def test_dictionary_encoding_is_kept_for_repetitive_columns_only(publish, path, dictionary):
    metadata = pq.ParquetFile(publish().path / "results.parquet").metadata
    assert _column_chunk(metadata, path).has_dictionary_page is dictionary


def test_rank_has_statistics_for_readers_that_filter_by_rank(publish, table_25k):
    metadata = pq.ParquetFile(publish(table_25k).path / "results.parquet").metadata
    statistics = _column_chunk(metadata, "rank").statistics
    assert (statistics.min, statistics.max) == (1, 10_000)
