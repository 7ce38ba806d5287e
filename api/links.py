"""Download links of stored exports: a fresh signed URL each time an export is shown.

The URL is absolute, on the host the client called, and expires after the configured TTL.
"""

from datetime import timedelta
from typing import Final

from api.context import AnyRequest, ApiContext
from api.signing import sign_download
from api.wire.common import iso
from api.wire.exports import ExportLink, export_out
from data.metadata.models import Export

DOWNLOADS_PATH: Final = "/v1/downloads"


def export_link(ctx: ApiContext, request: AnyRequest, export: Export) -> ExportLink:
    ttl = ctx.settings.export_url_ttl_seconds
    expires_at = ctx.now() + timedelta(seconds=ttl)
    token = sign_download(ctx.signing_key, export.id, expires_at)
    base = str(request.base_url).rstrip("/")
    return ExportLink(
        export=export_out(export),
        download_url=f"{base}{DOWNLOADS_PATH}/{token}",
        download_url_expires_at=iso(expires_at),
        download_url_ttl_seconds=ttl,
    )
