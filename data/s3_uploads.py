"""Multipart uploads a killed writer left unfinished under a prefix, aborted.

A process killed while it streams a large object to S3 (a snapshot's results.parquet, a stored
export) leaves its upload open: the parts already sent are kept, and billed, until the upload is
aborted. pyarrow's filesystem cannot list uploads, so botocore does. Whether a writer is dead is
not judged here (a server's upload times are not to be trusted: some test servers report a
fixed one): callers abort under prefixes they already know are dead or being deleted.
"""

from collections.abc import Iterator
from typing import Any

from data import s3_requests
from data.errors import StorageError
from data.s3_client import s3_client
from data.storage import S3Store, failure_kind


def abort_uploads(store: S3Store, key: str) -> int:
    """Abort every unfinished multipart upload under `key` of `store`; the number aborted.
    StorageError when the bucket cannot be listed or written."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(store.settings)
    prefix = store.locate(key).removeprefix(f"{store.bucket}/").rstrip("/") + "/"
    try:
        open_uploads = [
            upload
            for page in _pages(client, store.bucket, prefix)
            for upload in page.get("Uploads", [])
        ]
        for upload in open_uploads:
            s3_requests.count("delete")
            client.abort_multipart_upload(
                Bucket=store.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
    except (BotoCoreError, ClientError) as exc:
        message = f"cannot abort the unfinished uploads under {store.uri}/{key}: {exc}"
        raise StorageError(message, failure_kind(str(exc))) from None
    return len(open_uploads)


def _pages(client: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    paginator = client.get_paginator("list_multipart_uploads")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        s3_requests.count("list")
        yield page
