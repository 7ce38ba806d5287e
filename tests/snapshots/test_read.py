"""Reading and deleting snapshots, on every store: pages by row group, stats, manifest."""

from datetime import UTC, datetime

import pyarrow.parquet as pq
import pytest

from data.errors import SnapshotError
from engine.schema import RESULT_SCHEMA
from tests.snapshots.factories import result_table


@pytest.fixture
def snapshot_25k(publish, table_25k):
    return publish(table_25k)


@pytest.mark.parametrize(
    ("offset", "limit"),
    [(0, 100), (12_345, 50), (9_990, 20), (24_900, 100), (24_950, 100), (0, 25_000), (7, 1)],
    ids=["first", "middle", "across-row-groups", "last", "tail-short", "everything", "one-row"],
)
def test_page_holds_the_rows_at_its_offset_and_the_total(
    store, snapshot_25k, table_25k, offset, limit
):
    page, total = store.read_page(snapshot_25k, offset, limit)
    assert total == 25_000
    assert page.equals(table_25k.slice(offset, limit))


def test_page_beyond_the_end_is_empty_with_the_total(store, snapshot_25k):
    page, total = store.read_page(snapshot_25k, 25_000, 100)
    assert (page.num_rows, total, page.schema) == (0, 25_000, RESULT_SCHEMA)


def test_page_reads_only_the_row_groups_holding_its_rows(store, snapshot_25k, monkeypatch):
    read = []
    real = pq.ParquetFile.iter_batches

    def spy(self, *args, row_groups=None, **kwargs):
        read.append(list(row_groups))
        return real(self, *args, row_groups=row_groups, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    store.read_page(snapshot_25k, 20_010, 100)
    store.read_page(snapshot_25k, 9_950, 100)
    assert read == [[2], [0, 1]]


def test_page_at_a_row_group_start_decodes_only_its_own_rows(store, snapshot_25k, monkeypatch):
    decoded = []
    real = pq.ParquetFile.iter_batches

    def counting(self, *args, **kwargs):
        for batch in real(self, *args, **kwargs):
            decoded.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counting)
    store.read_page(snapshot_25k, 10_000, 100)
    assert decoded == [100]


def test_page_by_path_matches_page_by_reference(store, snapshot_25k):
    by_ref, _ = store.read_page(snapshot_25k, 100, 10)
    by_path, _ = store.read_page(snapshot_25k.path, 100, 10)
    assert by_ref.equals(by_path)


def test_negative_offset_is_refused(store, snapshot_25k):
    with pytest.raises(SnapshotError, match="offset"):
        store.read_page(snapshot_25k, -1, 10)


def test_empty_result_publishes_and_reads_as_an_empty_page(store, publish):
    ref = publish(RESULT_SCHEMA.empty_table())
    assert store.read_page(ref, 0, 50)[1] == 0


def test_stats_read_back_as_published(store, publish):
    stats = {"total": 30, "fillRates": {"firstName": {"count": 20, "percent": 66.67}}}
    assert store.read_stats(publish(stats=stats)) == stats


def test_manifest_reads_back_as_returned_by_publish(store, publish):
    ref = publish()
    assert store.read_manifest(ref.path) == ref.manifest


def test_open_results_gives_the_parquet_file_of_the_run(store, publish):
    results = store.open_results(publish())
    assert (results.metadata.num_rows, results.schema_arrow) == (30, RESULT_SCHEMA)


def test_reading_a_missing_snapshot_names_the_file(store, make_key):
    missing = store.path_of(make_key("never-published"))
    with pytest.raises(SnapshotError, match=r"stats\.json"):
        store.read_stats(missing)


def test_deleted_snapshot_is_no_longer_readable(store, publish, make_key):
    ref = publish()
    store.delete(make_key())
    with pytest.raises(SnapshotError):
        store.read_page(ref, 0, 10)


def test_deleted_run_can_be_published_again(store, publish, make_key):
    publish(attempt=1)
    store.delete(make_key())
    assert publish(result_table(4), attempt=2).manifest["resultCount"] == 4


def test_deleting_a_missing_snapshot_does_nothing(store, make_key):
    store.delete(make_key("never-published"))
    with pytest.raises(SnapshotError):
        store.read_manifest(store.path_of(make_key("never-published")))


def test_remove_staging_refuses_a_published_snapshot(store, publish):
    ref = publish()
    with pytest.raises(SnapshotError, match="staging"):
        store.remove_staging(ref.path)
    assert store.read_manifest(ref) == ref.manifest


def test_list_staging_on_a_fresh_store_is_empty(store):
    assert store.list_staging(older_than=datetime.now(UTC)) == []


def test_a_usable_store_passes_its_check(store):
    store.check()
