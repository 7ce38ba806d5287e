"""Multipart uploads a killed writer left unfinished under a prefix, aborted.

A process killed while it streams a large object to S3 (a snapshot's results.parquet, a stored
export) leaves its upload open: the parts already sent are kept, and billed, until the upload is
aborted. pyarrow's filesystem cannot list uploads, so botocore does. Whether a writer is dead is
not judged here (a server's upload times are not to be trusted: some test servers report a
fixed one): callers abort under prefixes they already know are dead or being deleted.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

from data import s3_requests
from data.errors import StorageError
from data.s3_client import s3_client
from data.storage import S3Store, Store, failure_kind

Upload = tuple[str, str]


def abort_uploads(store: Store, key: str, *, whole: bool = False) -> int:
    """Abort every unfinished multipart upload under `key` of `store` (of the object `key`
    itself, not of keys that merely start with it, when `whole`); the number aborted.
    StorageError when the bucket cannot be listed or written."""
    found = open_uploads(store, key, whole=whole)
    abort(store, key, found)
    return len(found)


def open_uploads(store: Store, key: str, *, whole: bool = False) -> list[Upload]:
    """The unfinished multipart uploads under `key` of `store` (of the object `key` when
    `whole`), as (object key, upload id); none on a store other than S3, which has no such
    uploads."""
    if not isinstance(store, S3Store):
        return []
    name = store.locate(key).removeprefix(f"{store.bucket}/").rstrip("/")
    prefix = name if whole else name + "/"
    with _failures(store, key):
        client = s3_client(store.settings)
        return [
            (upload["Key"], upload["UploadId"])
            for page in _pages(client, store.bucket, prefix)
            for upload in page.get("Uploads", [])
            if not whole or upload["Key"] == name
        ]


def abort(store: Store, key: str, uploads: list[Upload]) -> None:
    """Abort `uploads` (found under `key`); one already finished or aborted is no error."""
    if not uploads or not isinstance(store, S3Store):
        return
    client = s3_client(store.settings)
    for object_key, upload_id in uploads:
        s3_requests.count("delete")
        with _failures(store, key):
            client.abort_multipart_upload(Bucket=store.bucket, Key=object_key, UploadId=upload_id)


@contextlib.contextmanager
def _failures(store: S3Store, key: str) -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchUpload":
            return
        raise _storage_error(store, key, exc) from None
    except BotoCoreError as exc:
        raise _storage_error(store, key, exc) from None


def _storage_error(store: S3Store, key: str, exc: Exception) -> StorageError:
    message = f"cannot abort the unfinished uploads under {store.uri}/{key}: {exc}"
    return StorageError(message, failure_kind(str(exc)))


def _pages(client: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    paginator = client.get_paginator("list_multipart_uploads")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        s3_requests.count("list")
        yield page
