"""What each S3 client is given: Polars' own client the store's endpoint, keys and region (none
off S3), and every client the session token of temporary keys; keys never show in a repr, which
logs and tracebacks print."""

import dataclasses
from pathlib import Path

from data.s3_client import s3_client
from data.storage import S3Settings, S3Store, object_store, open_store, s3_filesystem

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


TEMPORARY = dataclasses.replace(SETTINGS, session_token="session-token")


def test_every_client_is_given_the_session_token_of_temporary_keys() -> None:
    found = object_store(S3Store("bucket", "", TEMPORARY))
    assert found is not None
    assert dict(found.options)["aws_session_token"] == "session-token"
    arrow_options = s3_filesystem(TEMPORARY).__reduce__()[1][0]  # how pyarrow pickles it
    assert arrow_options["session_token"] == "session-token"
    assert s3_client(TEMPORARY)._request_signer._credentials.token == "session-token"
