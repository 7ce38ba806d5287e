"""Presigned GET and HEAD URLs of objects in S3-compatible storage: SigV4 query signing by
botocore.

pyarrow reads and writes objects but cannot presign; botocore signs locally (no request is made)
with the endpoint and credentials of the AWS_* settings, or the AWS default chain when unset.
"""

from typing import Final

from data.errors import StorageError
from data.s3_client import s3_client
from data.storage import S3_SCHEME, S3Settings

# SigV4 refuses query signatures valid for longer than seven days.
MAX_TTL_SECONDS: Final = 7 * 24 * 3600
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
    url: str = s3_client(s3).generate_presigned_url(
        OPERATIONS[method], Params=params, ExpiresIn=min(ttl_seconds, MAX_TTL_SECONDS)
    )
    return url
