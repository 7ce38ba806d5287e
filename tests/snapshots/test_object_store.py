"""The snapshot store on the local S3 server: an attempt's prefix, the manifest as commit marker,
what a killed publish leaves and its collection, reads through the block cache."""

import hashlib
import pickle
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from data import s3_requests
from data.errors import SnapshotError, StorageError
from data.s3_client import s3_client
from data.snapshots import exports_dir
from data.snapshots import objects as objects_module
from data.snapshots.objects import ObjectSnapshotStore, marker_of
from data.snapshots.remote_file import BLOCK_BYTES
from data.storage import join, open_store
from tests import services
from tests.snapshots.factories import make_result, result_table

THREE_FILES = ["manifest.json", "results.parquet", "stats.json"]
LATER = timedelta(hours=1)


def _publish(store, key, rows=30, attempt=1):
    table = result_table(rows)
    return store.publish(
        key,
        make_result(table),
        attempt=attempt,
        stats={"total": rows},
        manifest_extra={"configHash": "c" * 64, "dataDate": "2024-05-01"},
    )


def _key_of(store, location):
    return location.removeprefix(store.root + "/")


def _killed_publish(store, key, attempt=2):
    """What a writer killed after results.parquet and before its manifest leaves behind."""
    prefix = f"{'/'.join(key.parts())}/a{attempt}-0123456789ab"
    store.store.write_bytes(marker_of(prefix), b"")
    store.store.write_bytes(f"{prefix}/results.parquet", b"PAR1 partial")
    return f"{store.root}/{prefix}"


def test_a_snapshot_is_an_attempts_prefix_under_org_audience_and_run(s3_store, make_key):
    ref = _publish(s3_store, make_key("run-9"), attempt=3)
    prefix = _key_of(s3_store, ref.path)
    parent, attempt = prefix.rsplit("/", 1)
    assert parent == "org-1/aud-1/run-9"
    assert attempt.startswith("a3-")
    assert s3_store.store.files(prefix) == THREE_FILES


def test_manifest_entries_match_the_objects_in_the_bucket(s3_store, make_key):
    ref = _publish(s3_store, make_key())
    for entry in ref.manifest["files"]:
        data = s3_store.store.read_bytes(f"{_key_of(s3_store, ref.path)}/{entry['path']}")
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


def test_no_staging_marker_is_left_by_a_publish(s3_store, make_key):
    _publish(s3_store, make_key())
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == []
    assert s3_store.store.files(".staging") == []
    assert s3_store.store.children(".staging") == []  # markers leave no directories behind


def test_a_prefix_without_its_manifest_is_no_snapshot(s3_store, make_key):
    leftover = _killed_publish(s3_store, make_key(), attempt=1)
    with pytest.raises(SnapshotError):
        s3_store.read_manifest(leftover)
    ref = _publish(s3_store, make_key(), attempt=2)
    assert ref.path != leftover
    assert ref.manifest["attempt"] == 2


def test_a_failing_write_removes_what_the_attempt_wrote(s3_store, make_key, monkeypatch):
    real = objects_module.write_snapshot

    def fail_before_manifest(target, *args, **kwargs):
        target.put("stats.json", b"{}")
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(objects_module, "write_snapshot", fail_before_manifest)
    with pytest.raises(RuntimeError):
        _publish(s3_store, make_key())
    assert s3_store.store.children("org-1/aud-1/run-1") == []
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == []
    monkeypatch.setattr(objects_module, "write_snapshot", real)
    assert _publish(s3_store, make_key()).manifest["resultCount"] == 30


def test_a_killed_publish_is_listed_once_stale_and_removed(s3_store, make_key):
    published = _publish(s3_store, make_key("run-2"))
    leftover = _killed_publish(s3_store, make_key())
    assert s3_store.list_staging(datetime.now(UTC) - LATER) == []
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == [leftover]
    s3_store.remove_staging(leftover)
    assert s3_store.store.children("org-1/aud-1/run-1") == []
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == []
    assert s3_store.read_manifest(published) == published.manifest


def test_a_stale_marker_of_a_published_attempt_is_dropped_not_listed(s3_store, make_key):
    ref = _publish(s3_store, make_key())
    s3_store.store.write_bytes(marker_of(_key_of(s3_store, ref.path)), b"")
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == []
    assert s3_store.store.files(".staging") == []
    assert s3_store.read_manifest(ref) == ref.manifest


def test_remove_staging_refuses_what_is_not_an_attempts_prefix(s3_store):
    with pytest.raises(SnapshotError, match="staging"):
        s3_store.remove_staging(f"{s3_store.root}/org-1/aud-1")
    with pytest.raises(SnapshotError, match="not under"):
        s3_store.remove_staging("s3://another-bucket/org-1/aud-1/run-1/a1-0123456789ab")


def test_deleting_a_run_removes_its_attempts_exports_and_markers(s3_store, make_key):
    ref = _publish(s3_store, make_key())
    _killed_publish(s3_store, make_key())
    export = _key_of(s3_store, join(exports_dir(ref.path), "results.csv"))
    s3_store.store.write_bytes(export, b"rank\n")
    other = _publish(s3_store, make_key("run-2"))
    kept = _killed_publish(s3_store, make_key("run-2"))
    s3_store.delete(make_key())
    assert s3_store.store.children("org-1/aud-1") == ["run-2"]
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == [kept]
    assert s3_store.read_manifest(other) == other.manifest


def test_check_names_a_missing_bucket_and_its_endpoint(s3_store):
    missing = ObjectSnapshotStore(open_store("s3://intent-no-such-snapshots/runs", services.S3))
    with pytest.raises(StorageError, match="'intent-no-such-snapshots' does not exist at http"):
        missing.check()
    s3_store.check()


def test_pages_are_read_through_the_block_cache(s3_store, make_key, table_25k):
    ref = s3_store.publish(
        make_key(), make_result(table_25k), attempt=1, stats={}, manifest_extra={}
    )
    first, total = s3_store.read_page(ref, 12_000, 50)
    assert s3_store.cache.nbytes > 0
    s3_store.store.delete_tree(f"{_key_of(s3_store, ref.path)}/results.parquet")
    again, _ = s3_store.read_page(ref, 12_000, 50)
    assert again.equals(first)
    assert total == 25_000


def test_without_a_cache_every_read_goes_to_the_store(s3_store, make_key):
    uncached = ObjectSnapshotStore(s3_store.store, cache_bytes=0)
    ref = _publish(uncached, make_key())
    uncached.read_page(ref, 0, 10)
    assert uncached.cache.nbytes == 0
    uncached.store.delete_tree(f"{_key_of(uncached, ref.path)}/results.parquet")
    with pytest.raises(SnapshotError):
        uncached.read_page(ref, 0, 10)


def test_the_store_is_sent_to_a_child_process_without_its_cache(s3_store, make_key):
    ref = _publish(s3_store, make_key())
    s3_store.read_page(ref, 0, 10)
    copy = pickle.loads(pickle.dumps(s3_store))
    assert copy.cache.nbytes == 0
    assert copy.cache.budget_bytes == s3_store.cache.budget_bytes
    assert copy.read_page(ref, 0, 10)[0].equals(s3_store.read_page(ref, 0, 10)[0])


def _open_upload(store, key):
    """An upload begun and left unfinished under `key`, as a writer killed mid-stream leaves it."""
    client = s3_client(services.S3)
    full = store.store.locate(key).removeprefix(f"{store.store.bucket}/")
    upload = client.create_multipart_upload(Bucket=store.store.bucket, Key=full)
    client.upload_part(Bucket=store.store.bucket, Key=full, UploadId=upload["UploadId"],
                       PartNumber=1, Body=b"x" * 1024)  # fmt: skip


def _open_uploads(store):
    listed = s3_client(services.S3).list_multipart_uploads(Bucket=store.store.bucket)
    return sorted(upload["Key"] for upload in listed.get("Uploads", []))


def test_removing_a_dead_attempt_aborts_the_upload_it_left_open(s3_store, make_key):
    leftover = _killed_publish(s3_store, make_key())
    _open_upload(s3_store, f"{_key_of(s3_store, leftover)}/stats.json")
    live = _killed_publish(s3_store, make_key("run-2"), attempt=1)
    _open_upload(s3_store, f"{_key_of(s3_store, live)}/results.parquet")
    s3_store.remove_staging(leftover)
    assert _open_uploads(s3_store) == [f"snaps/{_key_of(s3_store, live)}/results.parquet"]
    assert s3_store.list_staging(datetime.now(UTC) + LATER) == [live]


def test_deleting_a_run_aborts_an_export_upload_left_open(s3_store, make_key):
    ref = _publish(s3_store, make_key())
    _open_upload(s3_store, _key_of(s3_store, join(exports_dir(ref.path), "results.csv")))
    s3_store.delete(make_key())
    assert _open_uploads(s3_store) == []
    assert s3_store.store.children("org-1/aud-1") == []


def test_a_whole_read_keeps_its_blocks_out_of_the_cache_pages_share(s3_store, make_key):
    heard: Counter[str] = Counter()
    table = result_table(100_000, seed=7)  # about six blocks
    ref = s3_store.publish(make_key(), make_result(table), attempt=1, stats={}, manifest_extra={})
    s3_store.read_page(ref, 0, 50)  # the first block and the footer's
    kept = s3_store.cache.nbytes
    s3_requests.send_to(lambda operation, n: heard.update({operation: n}))
    try:
        whole = s3_store.open_results(ref, whole=True).read()
    finally:
        s3_requests.send_to(None)
    assert whole.num_rows == 100_000
    assert s3_store.cache.nbytes == kept
    size = s3_store.store.info(f"{_key_of(s3_store, ref.path)}/results.parquet").size
    assert size > 4 * BLOCK_BYTES
    assert heard["get"] <= -(-size // BLOCK_BYTES) + 1  # each block fetched once (footer twice)
