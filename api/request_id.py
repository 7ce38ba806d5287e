"""The request id of one request: the client's `X-Request-Id` when it is sane, else a new one.

Kept in the ASGI scope so that handlers, error handlers and the response headers agree on it.
"""

import re
import uuid
from typing import Final

from litestar.types import Scope

HEADER: Final = "x-request-id"
_STATE_KEY: Final = "request_id"
# Echo only ids that are safe in a header and a log line.
_ACCEPTED: Final = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def request_id(scope: Scope) -> str:
    state = scope.setdefault("state", {})
    current = state.get(_STATE_KEY)
    if current is None:
        current = _client_id(scope) or uuid.uuid4().hex
        state[_STATE_KEY] = current
    return str(current)


def _client_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            text = value.decode("latin-1")
            return text if _ACCEPTED.fullmatch(text) else None
    return None
