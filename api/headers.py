"""Headers every response carries, errors and unknown routes included: `X-Request-Id` and, for
keyed requests, the `RateLimit-*` budget (with `Retry-After` once it is spent)."""

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from api.auth import rate_decision
from api.request_id import request_id


async def add_response_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook: it wraps the app's send, so it sees every response."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    headers["X-Request-Id"] = request_id(scope)
    decision = rate_decision(scope.get("state", {}))
    if decision is not None:
        for name, value in decision.headers().items():
            headers[name] = value
