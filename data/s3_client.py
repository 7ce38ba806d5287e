"""botocore's S3 client, for what pyarrow's filesystem cannot do: presign a URL, list and abort
the multipart uploads a killed writer left behind.

One client per settings value is made on first use and kept: making one costs tens of
milliseconds. Path-style addressing on a custom endpoint (MinIO, the local test server): buckets
are not DNS names there.
"""

import functools
from typing import Any, Final

from data.storage import S3Settings

DEFAULT_REGION: Final = "us-east-1"


@functools.cache
def s3_client(s3: S3Settings) -> Any:
    import botocore.session  # only processes that need it load it
    from botocore.config import Config

    addressing = {"addressing_style": "path"} if s3.endpoint_url else {}
    return botocore.session.get_session().create_client(
        "s3",
        endpoint_url=s3.endpoint_url,
        aws_access_key_id=s3.access_key_id,
        aws_secret_access_key=s3.secret_access_key,
        aws_session_token=s3.session_token,
        region_name=s3.region or DEFAULT_REGION,
        config=Config(signature_version="s3v4", s3=addressing),
    )
