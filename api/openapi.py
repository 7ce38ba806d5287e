"""The OpenAPI document: its configuration and the error responses each route declares.

Every route lists the statuses it can answer with, all in the error envelope of `api.wire.common`.
"""

from typing import Final

from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Server

from api.auth import KEY_TTL_SECONDS
from api.wire.common import ErrorEnvelope

DESCRIPTIONS: Final = {
    400: "Invalid request: VALIDATION_ERROR with every problem in `details`",
    401: "UNAUTHORIZED: the x-api-key header is missing, unknown or revoked",
    403: "Refused",
    404: "NOT_FOUND: no such resource in this organization (or a malformed id)",
    409: "Conflict with the current state",
    413: "PAYLOAD_TOO_LARGE: the request body is over 64 KiB",
    416: "RANGE_NOT_SATISFIABLE",
    422: "Well-formed but not processable",
    429: "RATE_LIMITED: the key's budget is spent; see Retry-After",
    503: "NOT_READY: a dependency is unreachable",
}
KEY_DESCRIPTION: Final = (
    "An organization's key, `sk_...`, created by `intent keys create`. A revoked key is refused "
    f"within {KEY_TTL_SECONDS:g} s: servers keep a key they checked for that long."
)
KEYED: Final = (400, 401, 429)  # every route behind an API key can answer these
API_KEY: Final[list[dict[str, list[str]]]] = [
    {"apiKey": []}
]  # the security requirement of keyed routes


def errors(*statuses: int, **described: str) -> dict[int, ResponseSpec]:
    """Error responses for a route; `described` overrides a description (`s409="..."`)."""
    texts = {int(name.removeprefix("s")): text for name, text in described.items()}
    codes = sorted(set(statuses) | set(texts))
    return {code: _spec(texts.get(code, DESCRIPTIONS[code])) for code in codes}


def keyed(*statuses: int, **described: str) -> dict[int, ResponseSpec]:
    return errors(*KEYED, *statuses, **described)


def openapi_config(public_url: str | None = None) -> OpenAPIConfig:
    """`public_url` (INTENT_PUBLIC_URL) is the document's server, else the relative root."""
    return OpenAPIConfig(
        title="Intent audience engine",
        version="1.0.0",
        description="Audiences built from daily intent data, materialized as runs.",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin(), RedocRenderPlugin(path="/redoc")],
        create_examples=False,
        servers=[Server(url=public_url or "/")],
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(
                    type="apiKey",
                    name="x-api-key",
                    security_scheme_in="header",
                    description=KEY_DESCRIPTION,
                )
            }
        ),
    )


def _spec(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ErrorEnvelope, description=description, generate_examples=False
    )
