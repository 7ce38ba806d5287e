"""The contract of `Store`: local disk and S3 behave the same to every caller."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.errors import StorageError
from data.storage import LocalStore, S3Store, Store, failure_kind, open_store
from tests import services


def test_written_bytes_read_back(store: Store) -> None:
    store.write_bytes("a/b/c.json", b'{"x": 1}')
    assert store.read_bytes("a/b/c.json") == b'{"x": 1}'


def test_a_rewrite_replaces_the_whole_object(store: Store) -> None:
    store.write_bytes("m.json", b"first version, longer")
    store.write_bytes("m.json", b"second")
    assert store.read_bytes("m.json") == b"second"


def test_reading_a_missing_object_raises_file_not_found(store: Store) -> None:
    with pytest.raises(FileNotFoundError):
        store.read_bytes("absent.json")


def test_info_gives_the_size_and_none_for_an_absent_object(store: Store) -> None:
    store.write_bytes("d/x.bin", b"12345")
    info = store.info("d/x.bin")
    assert info is not None
    assert info.size == 5
    assert store.info("d/absent.bin") is None
    assert store.info("d") is None  # a directory is not an object


def test_children_lists_directories_and_files_lists_objects(store: Store) -> None:
    for key in ("intent/data_date=2024-03-02/x", "intent/data_date=2024-03-01/x", "intent/top"):
        store.write_bytes(key, b"")
    assert store.children("intent") == ["data_date=2024-03-01", "data_date=2024-03-02"]
    assert store.files("intent") == ["top"]


def test_listing_an_absent_directory_is_empty(store: Store) -> None:
    assert store.children("nothing/here") == []
    assert store.files("nothing/here") == []


def test_uploaded_file_is_readable_in_place_by_pyarrow(store: Store, tmp_path) -> None:
    source = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3]}), source)
    store.upload(source, "people/part-0.parquet")
    table = pq.read_table(store.locate("people/part-0.parquet"), filesystem=store.filesystem)
    assert table.column("a").to_pylist() == [1, 2, 3]


def test_delete_tree_removes_everything_under_a_key(store: Store) -> None:
    store.write_bytes("gone/a", b"1")
    store.write_bytes("gone/b/c", b"2")
    store.write_bytes("kept", b"3")
    store.delete_tree("gone")
    store.delete_tree("never-there")
    assert store.children("") == []
    assert store.files("") == ["kept"]


def test_a_usable_root_passes_the_check(store: Store) -> None:
    store.check()


def test_open_store_tells_s3_from_local(tmp_path) -> None:
    assert isinstance(open_store(tmp_path, services.S3), LocalStore)
    remote = open_store("s3://bucket/a/b/", services.S3)
    assert isinstance(remote, S3Store)
    assert remote.uri == "s3://bucket/a/b"
    assert remote.locate("x.json") == "bucket/a/b/x.json"


def test_an_s3_location_without_a_bucket_is_refused() -> None:
    with pytest.raises(StorageError, match="bucket"):
        open_store("s3:///prefix", services.S3)


def test_a_missing_directory_fails_the_check_naming_it(tmp_path) -> None:
    with pytest.raises(StorageError, match="nowhere"):
        open_store(tmp_path / "nowhere", services.S3).check()


def test_a_missing_bucket_fails_the_check_naming_it() -> None:
    services.require(services.S3_PORT, "the S3 server")
    with pytest.raises(StorageError, match="'intent-no-such-bucket' does not exist"):
        open_store("s3://intent-no-such-bucket/data", services.S3).check()


def test_an_unreachable_endpoint_fails_the_check_naming_the_settings() -> None:
    settings = services.S3Settings(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(StorageError, match="AWS_ENDPOINT_URL"):
        open_store("s3://some-bucket/data", settings).check()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("AWS Error ACCESS_DENIED during HeadBucket operation: No response body.", "denied"),
        ("AWS Error UNKNOWN (HTTP status 403) during HeadBucket operation", "denied"),
        ("AWS Error INVALID_ACCESS_KEY_ID during ListObjectsV2 operation: ...", "denied"),
        ("AWS Error NETWORK_CONNECTION during HeadBucket operation: curlCode: 7", "unreachable"),
    ],
)
def test_a_failure_of_the_store_is_told_apart_by_its_message(message: str, kind: str) -> None:
    assert failure_kind(message) == kind


def test_refused_credentials_fail_the_check_saying_so(refusing_s3: services.S3Settings) -> None:
    with pytest.raises(StorageError, match=r"'intent-data' at http://127\.0\.0\.1:") as raised:
        open_store("s3://intent-data/dataset", refusing_s3).check()
    assert raised.value.kind == "denied"
    assert "refused the credentials" in str(raised.value)
    assert "AWS_ACCESS_KEY_ID" in str(raised.value)
