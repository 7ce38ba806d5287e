"""Building the response envelope: `meta` for successes, the error body for every failure.

Error bodies come from `api.errors.reply_for`, the one table from exceptions to status and code.
"""

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.types import Scope

from api.context import ApiContext
from api.errors import INTERNAL, reply_for
from api.request_id import request_id
from api.wire.common import ErrorBody, ErrorDetail, ErrorEnvelope, Meta, iso

log = logging.getLogger(__name__)
CONTEXT_KEY = "api_context"  # where create_app keeps the ApiContext in app state


def meta(ctx: ApiContext, scope: Scope, **page: int) -> Meta:
    """`meta` of a success; `page` adds total, limit and offset to lists."""
    return Meta(timestamp=iso(ctx.now()), request_id=request_id(scope), **page)


def handle_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorEnvelope]:
    """The app's only exception handler."""
    reply = reply_for(exc)
    if reply is INTERNAL:  # a bug, not a refusal
        log.exception("request %s failed", request_id(request.scope), exc_info=exc)
    ctx: ApiContext = request.app.state[CONTEXT_KEY]
    body = ErrorEnvelope(
        error=ErrorBody(
            code=reply.code,
            message=reply.message,
            details=[ErrorDetail(p.field, p.message) for p in reply.details],
        ),
        meta=meta(ctx, request.scope),
    )
    return Response(body, status_code=reply.status, headers=dict(reply.headers))


def json_bytes(value: object) -> bytes:
    return msgspec.json.encode(value)
