"""`GET /v1/downloads/{token}`: the file of a stored export, named by a signed token, no key.

Supports one `Range` per request (206 with Content-Range), so large downloads can resume.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from litestar import get
from litestar.openapi import ResponseSpec
from litestar.response import File, Stream
from litestar.status_codes import HTTP_206_PARTIAL_CONTENT

from api.context import AnyRequest, ApiContext
from api.errors import ExportNotReady, NotFound
from api.links import DOWNLOADS_PATH
from api.openapi import errors
from api.params import Ctx, PathId
from api.ranges import ByteRange, parse_range
from api.signing import verify_download
from data.metadata.models import Export, ExportId

CHUNK_BYTES: Final = 1024 * 1024


@get(
    DOWNLOADS_PATH + "/{token:str}",
    sync_to_thread=True,
    responses={
        200: ResponseSpec(bytes, description="The export file", generate_examples=False),
        206: ResponseSpec(bytes, description="The requested byte range", generate_examples=False),
        **errors(
            400,
            403,
            404,
            409,
            416,
            s403="FORBIDDEN: the link was tampered with or has expired",
            s409="EXPORT_NOT_READY: the export is still being written, or failed",
        ),
    },
    summary="Download a stored export by its signed link",
)
def download(request: AnyRequest, ctx: Ctx, token: PathId) -> File | Stream:
    export_id = verify_download(ctx.signing_key, token, ctx.now())
    export = _served_export(ctx, ExportId(export_id))
    path = Path(str(export.path))
    if not path.is_file():
        raise NotFound("export not found")
    size = path.stat().st_size
    wanted = parse_range(request.headers.get("range"), size)
    name = f"run-{export.run_id}.{export.export_type}"
    if wanted is None:
        return File(path, filename=name, media_type=export.content_type, headers=_ACCEPT_RANGES)
    return _partial(path, wanted, size, name, export.content_type)


HANDLERS = [download]
_ACCEPT_RANGES: Final = {"Accept-Ranges": "bytes"}


def _served_export(ctx: ApiContext, export_id: ExportId) -> Export:
    """A completed export of a live audience; a deleted audience's exports are gone."""
    export = ctx.store.get_export(export_id)
    if export is None or ctx.store.get_audience(export.organization_id, export.audience_id) is None:
        raise NotFound("export not found")
    if export.status != "completed" or not export.path:
        raise ExportNotReady(f"the export is {export.status}")
    return export


def _partial(path: Path, wanted: ByteRange, size: int, name: str, media_type: str) -> Stream:
    return Stream(
        _read(path, wanted),
        status_code=HTTP_206_PARTIAL_CONTENT,
        media_type=media_type,
        headers={
            **_ACCEPT_RANGES,
            "Content-Range": wanted.content_range(size),
            "Content-Length": str(wanted.length),
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _read(path: Path, wanted: ByteRange) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(wanted.start)
        left = wanted.length
        while left > 0:
            chunk = handle.read(min(CHUNK_BYTES, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
