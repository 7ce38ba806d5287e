"""The `Allow` header of OPTIONS answers: exactly the methods the path serves (RFC 9110 10.2.1).

Litestar 2.25 answers OPTIONS with the methods of the first handler registered for a path, so a
path served by several handlers would list only some of them; this hook lists the route's own.
"""

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


async def set_allow(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook; only OPTIONS answers of known paths are changed."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    template = scope.get("path_template")
    for route in scope["litestar_app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            allowed = ", ".join(sorted(route.methods))
            MutableScopeHeaders.from_message(message)["Allow"] = allowed
            return
