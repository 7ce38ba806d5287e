"""The OpenAPI document: its configuration, the error responses each route declares, and what
is added to the generated document so that it says exactly what the server enforces.

Every route lists the statuses it can answer with, all in the error envelope of `api.wire.common`.
"""

import re
from collections.abc import Iterator
from typing import Any, Final, get_args

import msgspec
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin  # keeps the document the app serves
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Server
from litestar.routes import HTTPRoute

from api.auth import KEY_TTL_SECONDS
from api.links import DOWNLOADS_PATH
from api.wire.audiences import CONFIG_DESCRIPTION, CONFIG_SCHEMA, CONFIG_SCHEMA_NAME
from api.wire.common import ErrorEnvelope
from api.wire.runs import BACKFILL_CREATE_SCHEMA
from api.wire.topics import ANALYZE_INPUT_SCHEMA, COMPARE_INPUT_SCHEMA
from data.exports import CONTENT_TYPES

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
# Where each create operation's answer names the ids of what it created (JSON pointers).
CREATED: Final[dict[tuple[str, str], dict[str, str]]] = {
    ("post", "/v1/intent/audiences"): {"audience_id": "/data/id"},
    ("post", "/v1/intent/audiences/{audience_id}/runs"): {
        "audience_id": "/data/audienceId",
        "run_id": "/data/id",
    },
    ("post", "/v1/intent/audiences/{audience_id}/runs/{run_id}/exports"): {
        "audience_id": "/data/export/audienceId",
        "run_id": "/data/export/runId",
        "export_id": "/data/export/id",
    },
    ("post", "/v1/intent/webhooks"): {"webhook_id": "/data/id"},
}
_METHODS: Final = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
# Bodies whose checks run in the handler (after the resource is found), shown as enforced.
DOCUMENTED_SCHEMAS: Final = {
    "BackfillCreate": BACKFILL_CREATE_SCHEMA,
    "CompareInput": COMPARE_INPUT_SCHEMA,
    "AnalyzeInput": ANALYZE_INPUT_SCHEMA,
}
_CONFIG_REF: Final = {"$ref": f"#/components/schemas/{CONFIG_SCHEMA_NAME}"}
_PATH_PARAMETER: Final = re.compile(r"\{([^}:]+)\}")


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


def refine(app: Litestar) -> None:
    """Complete the generated document in place (the app builds it once and keeps it): the
    audience config's schema, `additionalProperties: false` on every body that refuses unknown
    fields, optional bodies not required, and links from each created resource to the
    operations that take its id."""
    document = app.plugins.get(OpenAPIPlugin).provide_openapi_schema()
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    _use_config_schema(schemas)
    schemas[CONFIG_SCHEMA_NAME] = CONFIG_SCHEMA
    for operation, body in _bodies(app, document["paths"]):
        _refine_body(operation["requestBody"], body, schemas)
    schemas.update({k: v for k, v in DOCUMENTED_SCHEMAS.items() if k in schemas})
    _add_download_types(document["paths"])
    _add_links(document["paths"])


def _add_download_types(paths: dict[str, Any]) -> None:
    """A download is the export file, in the content type of its format."""
    download = paths.get(DOWNLOADS_PATH + "/{token}", {}).get("get")
    for status in ("200", "206") if download else ():
        binary = {"type": "string", "contentMediaType": "application/octet-stream"}
        download["responses"][status]["content"] = {
            media: {"schema": binary} for media in CONTENT_TYPES.values()
        }


def _bodies(app: Litestar, paths: dict[str, Any]) -> Iterator[tuple[dict[str, Any], Any]]:
    """(operation, `data` parameter) of every operation that takes a body."""
    for route in app.routes:
        handlers = route.route_handlers if isinstance(route, HTTPRoute) else []
        for handler in handlers:
            body = handler.parsed_fn_signature.parameters.get("data")
            for method in handler.http_methods if body is not None else ():
                yield paths[route.path_format][method.lower()], body


def _refine_body(spec: dict[str, Any], body: Any, schemas: dict[str, Any]) -> None:
    if body.has_default:
        spec["required"] = False
    if _is_config(body.raw):
        spec["content"]["application/json"]["schema"] = _CONFIG_REF
    for name in _strict_structs(body.raw):
        schemas[name]["additionalProperties"] = False


def _is_config(annotation: Any) -> bool:
    """The `Config` type, known by its description (whatever optional wrapper is around it)."""
    return any(
        isinstance(arg, msgspec.Meta) and arg.description == CONFIG_DESCRIPTION
        for arg in get_args(annotation)
    ) or any(_is_config(arg) for arg in get_args(annotation) if get_args(arg))


def _use_config_schema(node: Any) -> None:
    """Every schema generated for a `Config` field (known by its description) becomes a
    reference to the complete one."""
    entries = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(entries):
        if isinstance(value, dict) and value.get("description") == CONFIG_DESCRIPTION:
            node[key] = _CONFIG_REF
        elif isinstance(value, dict | list):
            _use_config_schema(value)


def _strict_structs(annotation: Any) -> set[str]:
    """Names of the structs in a body's type that refuse unknown fields."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        strict = annotation.__struct_config__.forbid_unknown_fields
        return {annotation.__name__} if strict else set()
    return set().union(*(_strict_structs(arg) for arg in get_args(annotation)))


def _add_links(paths: dict[str, Any]) -> None:
    """Each create operation's success answers link to every operation whose path ids are
    exactly the ones the created resource's body names (so stateful tests reach them)."""
    for (method, path), ids in CREATED.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        links = {
            target["operationId"]: {
                "operationId": target["operationId"],
                "parameters": {name: f"$response.body#{ids[name]}" for name in names},
            }
            for names, target in _operations(paths)
            if names == set(ids)
        }
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                response["links"] = links


def _operations(paths: dict[str, Any]) -> Iterator[tuple[set[str], dict[str, Any]]]:
    """(path parameter names, operation) of every operation."""
    for path, item in paths.items():
        names = set(_PATH_PARAMETER.findall(path))
        for method, operation in item.items():
            if method in _METHODS:
                yield names, operation
