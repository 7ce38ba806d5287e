"""The local directory store: layout on disk, atomic rename, staging garbage, direct writes."""

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta

import pytest

from data.errors import SnapshotError
from data.snapshots import exports_dir, write_snapshot_dir
from data.snapshots import local as local_module
from tests.snapshots.factories import make_result, result_table

THREE_FILES = ["manifest.json", "results.parquet", "stats.json"]


def test_published_snapshot_lives_under_org_audience_and_run(local_store, publish_local):
    ref = publish_local(run_id="run-9")
    assert ref.path == local_store.root / "org-1" / "aud-1" / "run-9"
    assert sorted(p.name for p in ref.path.iterdir()) == THREE_FILES


def test_manifest_file_entries_match_the_files_on_disk(publish_local):
    ref = publish_local()
    for entry in ref.manifest["files"]:
        data = (ref.path / entry["path"]).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


def test_crash_before_rename_leaves_no_visible_snapshot_or_staging(
    local_store, make_key, publish_local, monkeypatch
):
    def crash(src, dst):
        raise OSError("disk vanished")

    monkeypatch.setattr(local_module.os, "rename", crash)
    with pytest.raises(SnapshotError, match="run-1"):
        publish_local()
    assert not local_store.path_of(make_key()).exists()
    assert list(local_store.staging_root.iterdir()) == []


def test_crash_while_writing_leaves_no_visible_snapshot(
    local_store, make_key, publish_local, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(local_module, "write_snapshot_dir", crash)
    with pytest.raises(RuntimeError):
        publish_local()
    with pytest.raises(SnapshotError):
        local_store.read_manifest(local_store.path_of(make_key()))


def test_attempt_losing_the_rename_race_returns_the_winners_snapshot(
    local_store, publish_local, monkeypatch
):
    real_write = local_module.write_snapshot_dir

    def write_while_other_attempt_wins(out, result, stats, manifest, previous):
        monkeypatch.setattr(local_module, "write_snapshot_dir", real_write)
        publish_local(result_table(3), attempt=1)
        return real_write(out, result, stats, manifest, previous)

    monkeypatch.setattr(local_module, "write_snapshot_dir", write_while_other_attempt_wins)
    ref = publish_local(attempt=2)
    assert (ref.manifest["attempt"], ref.manifest["resultCount"]) == (1, 3)
    assert list(local_store.staging_root.iterdir()) == []


def test_deleted_snapshot_directory_is_gone_from_disk(local_store, publish_local, make_key):
    ref = publish_local()
    local_store.delete(make_key())
    assert not ref.path.exists()
    assert list(local_store.staging_root.iterdir()) == []


def test_deleting_a_snapshot_removes_the_run_exports_beside_it(
    local_store, publish_local, make_key
):
    ref = publish_local()
    exports = exports_dir(ref.path)
    exports.mkdir()
    (exports / "results.csv").write_text("hashedEmail\n")
    local_store.delete(make_key())
    assert not exports.exists()
    assert list(local_store.staging_root.iterdir()) == []


def test_deleting_a_snapshot_leaves_other_runs_exports(local_store, publish_local, make_key):
    publish_local(run_id="run-1")
    other = exports_dir(publish_local(run_id="run-2").path)
    other.mkdir()
    local_store.delete(make_key(run_id="run-1"))
    assert other.is_dir()


def _leftover(store, name, age):
    path = store.staging_root / name
    path.mkdir(parents=True)
    (path / "results.parquet").write_bytes(b"partial")
    when = (datetime(2024, 5, 1, 12, tzinfo=UTC) - age).timestamp()
    for p in (path / "results.parquet", path):
        os.utime(p, (when, when))
    return path


def test_list_staging_returns_only_leftovers_older_than_the_cutoff(local_store):
    old = _leftover(local_store, "run-1-1-aaaa", timedelta(hours=2))
    _leftover(local_store, "run-2-1-bbbb", timedelta(minutes=1))
    cutoff = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    assert local_store.list_staging(older_than=cutoff) == [old]


def test_staging_with_a_recently_written_file_is_not_listed(local_store):
    path = _leftover(local_store, "run-1-1-aaaa", timedelta(hours=2))
    recent = datetime(2024, 5, 1, 11, 59, tzinfo=UTC).timestamp()
    os.utime(path / "results.parquet", (recent, recent))
    assert local_store.list_staging(older_than=datetime(2024, 5, 1, 11, 0, tzinfo=UTC)) == []


def test_remove_staging_deletes_the_leftover(local_store):
    old = _leftover(local_store, "run-1-1-aaaa", timedelta(hours=2))
    local_store.remove_staging(old)
    assert not old.exists()


def test_remove_staging_leaves_a_published_snapshot_alone(local_store, publish_local):
    ref = publish_local()
    with pytest.raises(SnapshotError, match="staging"):
        local_store.remove_staging(ref.path)
    assert ref.path.exists()


def test_write_snapshot_dir_writes_the_three_files_into_the_given_directory(tmp_path):
    out = tmp_path / "out"
    manifest = write_snapshot_dir(out, make_result(result_table(10)), {"total": 10}, {"runId": "x"})
    assert sorted(os.listdir(out)) == THREE_FILES
    assert json.loads((out / "manifest.json").read_text()) == manifest
