"""What Polars' own client is given to read a store: the store's endpoint, keys and region, and
nothing off S3; the keys never show in the repr that logs and tracebacks print."""

from pathlib import Path

from data.storage import S3Settings, S3Store, object_store, open_store

SETTINGS = S3Settings(
    endpoint_url="http://127.0.0.1:9000",
    access_key_id="key-id",
    secret_access_key="secret-key",
    region="eu-west-1",
)


def test_an_s3_store_gives_its_endpoint_keys_and_region() -> None:
    found = object_store(S3Store("bucket", "prefix", SETTINGS))
    assert found is not None
    assert found.url("bucket/prefix/a.parquet") == "s3://bucket/prefix/a.parquet"
    assert dict(found.options) == {
        "aws_endpoint_url": "http://127.0.0.1:9000",
        "aws_allow_http": "true",
        "aws_access_key_id": "key-id",
        "aws_secret_access_key": "secret-key",
        "aws_region": "eu-west-1",
        "timeout": "60s",
    }
    assert "secret-key" not in repr(found)


def test_the_default_chain_gives_no_keys_and_https_needs_no_allowance() -> None:
    settings = S3Settings(endpoint_url="https://s3.example.com")
    found = object_store(S3Store("bucket", "", settings))
    assert found is not None
    assert dict(found.options) == {"aws_endpoint_url": "https://s3.example.com", "timeout": "60s"}


def test_a_local_store_has_none(tmp_path: Path) -> None:
    assert object_store(open_store(tmp_path, SETTINGS)) is None
