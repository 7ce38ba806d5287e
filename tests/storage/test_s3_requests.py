"""`intent_s3_requests_total`: the requests this project's code makes to object storage, by
operation, counted at the `Store` seam and the snapshot block cache; local disk counts none."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import s3_requests
from data.snapshots import SnapshotKey
from data.snapshots.objects import ObjectSnapshotStore
from data.storage import open_store
from jobs.metrics import JobMetrics
from tests import services
from tests.snapshots.factories import make_result, result_table


@pytest.fixture
def counted() -> Iterator[Counter[str]]:
    """The requests made while the test runs, as a sink hears them."""
    heard: Counter[str] = Counter()
    s3_requests.send_to(lambda operation, n: heard.update({operation: n}))
    try:
        yield heard
    finally:
        s3_requests.send_to(None)
        s3_requests.take()


def _use(store) -> None:
    store.write_bytes("a/one.json", b"{}")
    store.read_bytes("a/one.json")
    store.info("a/one.json")
    store.files("a")
    store.children("")
    store.delete_tree("a/one.json")


def test_each_store_operation_on_s3_is_counted_by_its_kind(counted: Counter[str]) -> None:
    with services.temporary_bucket("intent-requests") as bucket:
        store = open_store(f"s3://{bucket}/p", services.S3)
        store.check()
        _use(store)
    # check: head; write: put; read: get; info: head; files + children: list;
    # delete_tree of an object: head (what it is), then delete
    assert counted == {"head": 3, "put": 1, "get": 1, "list": 2, "delete": 1}


def test_local_disk_counts_no_request(counted: Counter[str], tmp_path: Path) -> None:
    _use(open_store(tmp_path, services.S3))
    assert not counted


def test_cached_blocks_are_read_once(counted: Counter[str]) -> None:
    with services.temporary_bucket("intent-requests") as bucket:
        snapshots = ObjectSnapshotStore(open_store(f"s3://{bucket}/snaps", services.S3))
        key = SnapshotKey("org-1", "aud-1", "run-1")
        ref = snapshots.publish(key, make_result(result_table(30)), attempt=1, stats={},
                                manifest_extra={})  # fmt: skip
        counted.clear()
        snapshots.read_page(ref, 0, 10)
        first = dict(counted)
        snapshots.read_page(ref, 10, 10)
    assert first["get"] >= 1
    assert counted == first  # the second page came from the cached blocks


def test_without_a_sink_counts_wait_to_be_taken_and_a_sink_hears_them_added() -> None:
    s3_requests.take()
    s3_requests.count("get", 2)
    s3_requests.count("put")
    taken = s3_requests.take()
    assert taken.counts == {"get": 2, "put": 1}
    assert s3_requests.take().counts == {}
    metrics = JobMetrics()
    s3_requests.send_to(metrics.count_s3_request)
    try:
        s3_requests.add(taken)  # what a run's child process made, counted by its parent
    finally:
        s3_requests.send_to(None)
    value = metrics.registry.get_sample_value
    assert value("intent_s3_requests_total", {"operation": "get"}) == 2
    assert value("intent_s3_requests_total", {"operation": "put"}) == 1
    assert value("intent_s3_requests_total", {"operation": "delete"}) == 0  # exists from start
