"""Presigned GET and HEAD URLs of objects in S3-compatible storage: SigV4 query signing by
botocore.

pyarrow reads and writes objects but cannot presign; botocore signs locally (no request is made)
with the endpoint and credentials of the AWS_* settings, or the AWS default chain when unset. One
client per settings value is made on first use and kept: making one costs tens of milliseconds.
"""

import functools
from typing import Any, Final

from data.errors import StorageError
from data.storage import S3_SCHEME, S3Settings

# SigV4 refuses query signatures valid for longer than seven days.
MAX_TTL_SECONDS: Final = 7 * 24 * 3600
DEFAULT_REGION: Final = "us-east-1"
# A presigned URL is good for one method: the signature covers it.
OPERATIONS: Final = {"GET": "get_object", "HEAD": "head_object"}


def presigned_get(
    location: str,
    s3: S3Settings,
    ttl_seconds: int,
    *,
    filename: str,
    content_type: str,
    method: str = "GET",
) -> str:
    """A URL that GETs (or HEADs, by `method`) the object at `location` (`s3://bucket/key`) for
    `ttl_seconds` (at most MAX_TTL_SECONDS), answered as an attachment named `filename` of type
    `content_type`."""
    bucket, _, key = location.removeprefix(S3_SCHEME).partition("/")
    if not location.startswith(S3_SCHEME) or not bucket or not key:
        raise StorageError(f"{location}: not the s3:// location of an object", "missing")
    params = {
        "Bucket": bucket,
        "Key": key,
        "ResponseContentDisposition": f'attachment; filename="{filename}"',
        "ResponseContentType": content_type,
    }
    url: str = _client(s3).generate_presigned_url(
        OPERATIONS[method], Params=params, ExpiresIn=min(ttl_seconds, MAX_TTL_SECONDS)
    )
    return url


@functools.cache
def _client(s3: S3Settings) -> Any:
    import botocore.session  # only processes that hand out links load it
    from botocore.config import Config

    # Path-style addressing on a custom endpoint (MinIO, the local test server): buckets are
    # not DNS names there.
    addressing = {"addressing_style": "path"} if s3.endpoint_url else {}
    return botocore.session.get_session().create_client(
        "s3",
        endpoint_url=s3.endpoint_url,
        aws_access_key_id=s3.access_key_id,
        aws_secret_access_key=s3.secret_access_key,
        region_name=s3.region or DEFAULT_REGION,
        config=Config(signature_version="s3v4", s3=addressing),
    )
