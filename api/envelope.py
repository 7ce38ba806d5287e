"""The response envelope: the request id, `meta` for successes, the error body for every failure,
and the headers every response carries (`X-Request-Id`, the `RateLimit-*` budget, and
`Connection: close` when a request's body was left unread).

Error bodies come from `api.errors.reply_for`, the one table from exceptions to status and code.
"""

import logging
import re
import uuid
from typing import Any, Final

import msgspec
from litestar import Request, Response
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from api.context import ApiContext, context_of
from api.errors import INTERNAL, reply_for
from api.ratelimit import decision_of
from api.wire.common import ErrorBody, ErrorDetail, ErrorEnvelope, Meta
from jobs.wire import iso

log = logging.getLogger(__name__)
REQUEST_ID_HEADER: Final = "x-request-id"
BODY_READ_KEY: Final = "body_read"  # set in the scope state once a request's body was read
_REQUEST_ID_KEY: Final = "request_id"
# Echo only ids that are safe in a header and a log line.
_ACCEPTED_ID: Final = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def request_id(scope: Scope) -> str:
    """The client's `X-Request-Id` when it is sane, else a new one; kept in the scope so that
    handlers, error handlers and the response headers agree on it."""
    state = scope.setdefault("state", {})
    current = state.get(_REQUEST_ID_KEY)
    if current is None:
        current = _client_request_id(scope) or uuid.uuid4().hex
        state[_REQUEST_ID_KEY] = current
    return str(current)


def meta(ctx: ApiContext, scope: Scope, **page: int) -> Meta:
    """`meta` of a success; `page` adds total, limit and offset to lists."""
    return Meta(timestamp=iso(ctx.now()), request_id=request_id(scope), **page)


def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorEnvelope]:
    """The app's only exception handler."""
    reply = reply_for(exc)
    if reply is INTERNAL:  # a bug, not a refusal
        rid = request_id(request.scope)
        log.exception("request %s failed", rid, exc_info=exc, extra={"request_id": rid})
    body = ErrorEnvelope(
        error=ErrorBody(
            code=reply.code,
            message=reply.message,
            details=[ErrorDetail(p.field, p.message) for p in reply.details],
        ),
        meta=meta(context_of(request.app), request.scope),
    )
    return Response(body, status_code=reply.status, headers=dict(reply.headers))


async def add_response_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: it wraps the app's send, so it sees every response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Request-Id"] = request_id(scope)
    decision = decision_of(scope)
    if decision is not None:
        for name, value in decision.headers().items():
            headers[name] = value
    if _body_left_unread(scope):
        # The server would otherwise wait on this connection for the rest of the body.
        headers["Connection"] = "close"


def json_bytes(value: object) -> bytes:
    return msgspec.json.encode(value)


def _client_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == REQUEST_ID_HEADER.encode():
            text = value.decode("latin-1")
            return text if _ACCEPTED_ID.fullmatch(text) else None
    return None


def _body_left_unread(scope: Scope) -> bool:
    if scope.get("state", {}).get(BODY_READ_KEY):
        return False
    for name, value in scope.get("headers", ()):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False
