"""`GET` and `HEAD /v1/downloads/{token}`: the file of a stored export, named by a signed token,
no key.

One `Range` per request (206 with Content-Range) so large downloads can resume; `If-Range` makes
sure the resumed part comes from the same file. HEAD answers with GET's headers and no body. An
export kept in an object store is answered by a 307 to a URL of the store presigned for the
request's method (the store serves ranges itself).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Final

from anyio import to_thread
from litestar import Response, get, head
from litestar.datastructures import Headers
from litestar.openapi import ResponseSpec
from litestar.response import Redirect, Stream
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_206_PARTIAL_CONTENT,
    HTTP_307_TEMPORARY_REDIRECT,
)

from api.context import AnyRequest, ApiContext
from api.errors import ExportNotReady, NotFound
from api.links import DOWNLOADS_PATH, presigned_url
from api.openapi import errors
from api.params import Ctx, PathId
from api.ranges import ByteRange, Validators, if_range_holds, parse_range
from api.signing import verify_download
from data.metadata.models import Export, ExportId
from data.storage import is_remote

CHUNK_BYTES: Final = 1024 * 1024
PATH: Final = DOWNLOADS_PATH + "/{token:str}"
ERRORS: Final = errors(
    400,
    403,
    404,
    409,
    s403="FORBIDDEN: the link was tampered with or has expired",
    s409="EXPORT_NOT_READY: the export is still being written, or failed",
)
STORED_ELSEWHERE: Final = {
    307: ResponseSpec(
        None,
        description="The export is in an object store: Location is a URL of the store "
        "presigned for this method",
    )
}


@dataclass(frozen=True)
class Download:
    """The file a token names and the headers that describe it (identical for GET and HEAD)."""

    path: Path
    size: int
    validators: Validators
    headers: dict[str, str]


@get(
    PATH,
    responses={
        200: ResponseSpec(bytes, description="The export file", generate_examples=False),
        206: ResponseSpec(bytes, description="The requested byte range", generate_examples=False),
        **STORED_ELSEWHERE,
        **ERRORS,
        **errors(416),
    },
    summary="Download a stored export by its signed link",
)
async def download(request: AnyRequest, ctx: Ctx, token: PathId) -> Stream | Redirect:
    found = await to_thread.run_sync(_download, ctx, token, "GET")
    if isinstance(found, str):
        return Redirect(found, status_code=HTTP_307_TEMPORARY_REDIRECT)
    wanted = _wanted(request.headers, found)
    if wanted is None:
        return Stream(_read(found.path, ByteRange.whole(found.size)), headers=found.headers)
    partial = {
        **found.headers,
        "Content-Range": wanted.content_range(found.size),
        "Content-Length": str(wanted.length),
    }
    return Stream(_read(found.path, wanted), status_code=HTTP_206_PARTIAL_CONTENT, headers=partial)


@head(
    PATH,
    status_code=HTTP_200_OK,
    responses={
        200: ResponseSpec(None, description="The headers of the whole file"),
        **STORED_ELSEWHERE,
        **ERRORS,
    },
    summary="The headers a download of the link would have, without the file",
)
async def download_headers(ctx: Ctx, token: PathId) -> Response[None]:
    """A `Range` is ignored: ranges are defined for GET only (RFC 9110 14.2)."""
    found = await to_thread.run_sync(_download, ctx, token, "HEAD")
    if isinstance(found, str):
        return Response(None, status_code=HTTP_307_TEMPORARY_REDIRECT, headers={"Location": found})
    return Response(None, headers=found.headers)


# Both handlers are coroutines that look the export up on a worker thread: Litestar 2.25 calls
# the first of two `sync_to_thread` handlers on one path without awaiting it (a 500).
HANDLERS = [download, download_headers]


def _download(ctx: ApiContext, token: str, method: str) -> Download | str:
    """The local file to send, or the URL of the store that serves `method` for the object."""
    export = _served_export(ctx, ExportId(verify_download(ctx.signing_key, token, ctx.now())))
    if is_remote(str(export.path)):
        return presigned_url(ctx, export, str(export.path), method)
    path = Path(str(export.path))
    if not path.is_file():
        raise NotFound("export not found")
    stat = path.stat()
    validators = Validators(
        etag=f'"{export.sha256 or f"{stat.st_size:x}-{stat.st_mtime_ns:x}"}"',
        last_modified=formatdate(stat.st_mtime, usegmt=True),
    )
    headers = {
        "Content-Type": export.content_type,  # complete, charset included: sent as it is
        "Content-Length": str(stat.st_size),
        "Content-Disposition": f'attachment; filename="run-{export.run_id}.{export.export_type}"',
        "Accept-Ranges": "bytes",
        "ETag": validators.etag,
        "Last-Modified": validators.last_modified,
    }
    return Download(path, stat.st_size, validators, headers)


def _served_export(ctx: ApiContext, export_id: ExportId) -> Export:
    """A completed export of a live audience; a deleted audience's exports are gone."""
    export = ctx.store.get_export(export_id)
    if export is None or ctx.store.get_audience(export.organization_id, export.audience_id) is None:
        raise NotFound("export not found")
    if export.status != "completed" or not export.path:
        raise ExportNotReady(f"the export is {export.status}")
    return export


def _wanted(headers: Headers, found: Download) -> ByteRange | None:
    """The range to send, None for the whole file (also when `If-Range` names another file)."""
    if not if_range_holds(headers.get("if-range"), found.validators):
        return None
    return parse_range(headers.get("range"), found.size)


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
