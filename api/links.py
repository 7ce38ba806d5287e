"""Links the API builds (download URLs of stored exports) and the origin they start with.

An export is downloaded through the signed `/v1/downloads` route, which answers 409
EXPORT_NOT_READY until the export is completed; a completed export in an object store through a
URL of the store presigned for the same TTL (its object exists only then), to which the route also
redirects.

The origin is INTENT_PUBLIC_URL when set. Otherwise it is the address the connection arrived on;
`Forwarded`, `X-Forwarded-Proto`/`-Host` and `Host` are believed only from a peer listed in
INTENT_TRUSTED_PROXIES, so a client cannot make the API hand out links to a host of its choice.
"""

import functools
import ipaddress
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

from litestar.datastructures import Headers
from litestar.types import Scope

from api.context import AnyRequest, ApiContext
from api.signing import expiry_of, sign_download
from api.wire.exports import ExportLink
from data.metadata.models import Export
from data.presign import MAX_TTL_SECONDS, presigned_get
from data.storage import is_remote
from engine.states import ExportStatus
from jobs.wire import export_out, iso

DOWNLOADS_PATH: Final = "/v1/downloads"
DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_HOST: Final = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
_PAIR: Final = re.compile(r'\s*([A-Za-z]+)\s*=\s*("[^"]*"|[^;,\s]*)\s*')


def export_link(ctx: ApiContext, request: AnyRequest, export: Export) -> ExportLink:
    if export.path and is_remote(export.path) and export.status == ExportStatus.COMPLETED:
        return presigned_link(ctx, export, export.path)
    ttl = ctx.settings.export_url_ttl_seconds
    token = sign_download(ctx.signing_key, export.id, ctx.now() + timedelta(seconds=ttl))
    origin = link_origin(ctx.settings.public_url, ctx.settings.trusted_proxies, request.scope)
    return ExportLink(
        export=export_out(export),
        download_url=f"{origin}{DOWNLOADS_PATH}/{token}",
        download_url_expires_at=iso(expiry_of(token)),  # whole seconds, like the token
        download_url_ttl_seconds=ttl,
    )


def presigned_link(ctx: ApiContext, export: Export, location: str) -> ExportLink:
    """The completed export with a presigned GET of its object; the TTL is the signed link's,
    at most the seven days SigV4 allows."""
    ttl = presigned_ttl(ctx)
    expires = ctx.now().replace(microsecond=0) + timedelta(seconds=ttl)
    return ExportLink(
        export=export_out(export),
        download_url=presigned_url(ctx, export, location),
        download_url_expires_at=iso(expires),
        download_url_ttl_seconds=ttl,
    )


def presigned_url(ctx: ApiContext, export: Export, location: str, method: str = "GET") -> str:
    """A URL of the store that answers `method` for the export's object, named as a download."""
    return presigned_get(
        location,
        ctx.settings.s3,
        presigned_ttl(ctx),
        filename=f"run-{export.run_id}.{export.export_type}",
        content_type=export.content_type,
        method=method,
    )


def presigned_ttl(ctx: ApiContext) -> int:
    return min(ctx.settings.export_url_ttl_seconds, MAX_TTL_SECONDS)


def link_origin(public_url: str | None, trusted: tuple[str, ...], scope: Scope) -> str:
    """`scheme://host[:port]` (and a path prefix, from INTENT_PUBLIC_URL) of the API's links."""
    if public_url:
        return public_url
    if _is_trusted(scope.get("client"), trusted):
        forwarded = _forwarded_origin(Headers.from_scope(scope), scope["scheme"])
        if forwarded is not None:
            return forwarded
    return _own_origin(scope)


def _is_trusted(client: tuple[str, int] | None, trusted: tuple[str, ...]) -> bool:
    if client is None or not trusted:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    return any(address in network for network in _networks(trusted))


@functools.cache
def _networks(trusted: tuple[str, ...]) -> Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(network) for network in trusted]


def _forwarded_origin(headers: Headers, scheme: str) -> str | None:
    """What the proxy says the client asked for: the proxy's own (last) `Forwarded` element,
    else its `X-Forwarded-*` values, else the `Host` it passed on; None if no valid host."""
    proto, host = _last_forwarded(headers.get("forwarded"))
    proto = proto or _last(headers.get("x-forwarded-proto")) or scheme
    host = host or _last(headers.get("x-forwarded-host")) or headers.get("host")
    if proto not in DEFAULT_PORTS or host is None or not _HOST.fullmatch(host):
        return None
    return f"{proto}://{host}"


def _last_forwarded(header: str | None) -> tuple[str | None, str | None]:
    """`proto` and `host` of the last element of an RFC 7239 `Forwarded` header."""
    if not header:
        return None, None
    element = header.rsplit(",", 1)[-1]
    pairs = {key.lower(): value.strip('"') for key, value in _PAIR.findall(element)}
    return pairs.get("proto"), pairs.get("host")


def _last(header: str | None) -> str | None:
    return (header.rsplit(",", 1)[-1].strip() or None) if header else None


def _own_origin(scope: Scope) -> str:
    """The local address the connection arrived on (never a header the client wrote)."""
    scheme = scope["scheme"]
    server = scope.get("server")
    if server is None:
        raise RuntimeError("the server address is unknown: set INTENT_PUBLIC_URL")
    host, port = server[0], server[1]
    shown = f"[{host}]" if ":" in host else host
    if port is None or port == DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{shown}"
    return f"{scheme}://{shown}:{port}"
