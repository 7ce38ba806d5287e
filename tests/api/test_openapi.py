"""The OpenAPI document and docs: served by the app, 3.1, and every route declares its errors."""

import re
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from tests.api.factories import BASE, Api, Tenant

OPERATIONS = ("get", "post", "patch", "delete", "put")
TOPICS = f"{BASE}/topics"  # topic discovery: no key, limited per client address
DOCS = "/schema"  # the document and the interactive docs, served beside it


def _keyed(path: str) -> bool:
    return path.startswith(BASE) and not path.startswith(TOPICS)


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    reply = api.client.get("/schema/openapi.json")
    assert reply.status_code == 200
    return dict(reply.json())


def _operations(document: dict[str, Any], prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path.startswith(prefix)
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def test_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")


def test_every_keyed_operation_declares_401_429_and_400(document: dict[str, Any]) -> None:
    operations = [op for op in _operations(document, BASE) if _keyed(op[1])]
    assert len(operations) >= 20
    for method, path, operation in operations:
        assert {"400", "401", "429"} <= set(operation["responses"]), (method, path)


def test_every_operation_with_an_id_declares_404(document: dict[str, Any]) -> None:
    for _method, path, operation in _operations(document, "/"):
        if "{" in path:
            assert "404" in operation["responses"], path


def test_error_responses_use_the_error_envelope(document: dict[str, Any]) -> None:
    for _, path, operation in _operations(document, BASE):
        status = "401" if _keyed(path) else "429"
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorEnvelope")


def test_run_queueing_documents_202_and_the_idempotency_header(document: dict[str, Any]) -> None:
    operation = document["paths"][f"{BASE}/audiences/{{audience_id}}/runs"]["post"]
    assert "202" in operation["responses"]
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}


def test_keyed_operations_require_the_api_key_and_the_rest_nothing(
    document: dict[str, Any],
) -> None:
    for _, path, operation in _operations(document, "/"):
        keyed = _keyed(path)
        assert operation.get("security") == ([{"apiKey": []}] if keyed else None), path
    scheme = document["components"]["securitySchemes"]["apiKey"]
    assert (scheme["in"], scheme["name"]) == ("header", "x-api-key")


@pytest.mark.parametrize("page", ["/schema/swagger", "/schema/redoc"])
def test_interactive_docs_are_served(api: Api, page: str) -> None:
    reply = api.client.get(page)
    assert reply.status_code == 200
    assert "text/html" in reply.headers["content-type"]


def _schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(document["components"]["schemas"][name])


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(document["paths"][BASE + path][method])


@pytest.mark.parametrize(
    "name", ["AudienceCreate", "AudiencePatch", "AudienceConfig", "RunCreate", "ExportCreate"]
)
def test_bodies_that_refuse_unknown_fields_say_so(document: dict[str, Any], name: str) -> None:
    assert _schema(document, name)["additionalProperties"] is False


def test_config_requires_topic_ids_wherever_a_config_is_sent(document: dict[str, Any]) -> None:
    assert _schema(document, "AudienceConfig")["required"] == ["topicIds"]
    reference = {"$ref": "#/components/schemas/AudienceConfig"}
    assert _schema(document, "AudienceCreate")["properties"]["config"] == reference
    assert _schema(document, "AudiencePatch")["properties"]["config"] == reference
    for path in ("/audiences/validate", "/audiences/preview"):
        body = _operation(document, "post", path)["requestBody"]
        assert body["content"]["application/json"]["schema"] == reference, path


def test_unknown_config_field_is_refused_as_documented(api: Api, tenant: Tenant) -> None:
    body = api.config(colour="red")
    reply = api.client.post(f"{BASE}/audiences/validate", json=body, headers=tenant.headers)
    assert reply.status_code == 400
    assert [d["field"] for d in reply.json()["error"]["details"]] == ["config.colour"]


@pytest.mark.parametrize(
    "path", ["/audiences/{audience_id}/runs", "/audiences/{audience_id}/runs/{run_id}/exports"]
)
def test_optional_bodies_are_not_required(document: dict[str, Any], path: str) -> None:
    assert _operation(document, "post", path)["requestBody"]["required"] is False


def test_queueing_a_run_documents_data_not_available(document: dict[str, Any]) -> None:
    responses = _operation(document, "post", "/audiences/{audience_id}/runs")["responses"]
    assert "DATA_NOT_AVAILABLE" in responses["422"]["description"]


@pytest.mark.parametrize("tail", ["/results", "/stats"])
def test_reading_a_run_documents_pending_and_not_servable(
    document: dict[str, Any], tail: str
) -> None:
    responses = _operation(document, "get", "/audiences/{audience_id}/runs/{run_id}" + tail)
    assert {"200", "202", "409"} <= set(responses["responses"])


@pytest.mark.parametrize(
    ("path", "status", "targets"),
    [
        ("/audiences", "201", {"get", "patch", "delete"}),
        ("/audiences/{audience_id}/runs", "202", {"get", "delete"}),
        ("/audiences/{audience_id}/runs/{run_id}/exports", "202", {"get"}),
        ("/audiences/{audience_id}/runs/{run_id}/exports", "200", {"get"}),
        ("/webhooks", "201", {"get", "delete"}),
    ],
)
def test_created_resources_link_to_the_operations_that_take_their_ids(
    document: dict[str, Any], path: str, status: str, targets: set[str]
) -> None:
    links = _operation(document, "post", path)["responses"][status]["links"]
    by_id = {
        operation["operationId"]: (method, route)
        for route, item in document["paths"].items()
        for method, operation in item.items()
        if method in OPERATIONS
    }
    linked = [by_id[link["operationId"]] for link in links.values()]
    for link, (_, route) in zip(links.values(), linked, strict=True):
        for name, expression in link["parameters"].items():
            assert f"{{{name}}}" in route
            assert expression.startswith("$response.body#/data/")
    assert targets <= {method for method, _ in linked}


def test_run_links_reach_results_stats_and_exports(document: dict[str, Any]) -> None:
    links = _operation(document, "post", "/audiences/{audience_id}/runs")["responses"]["202"]
    routes = {
        route
        for route, item in document["paths"].items()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("operationId") in links["links"]
    }
    run = f"{BASE}/audiences/{{audience_id}}/runs/{{run_id}}"
    assert {f"{run}/results", f"{run}/stats", f"{run}/exports", f"{run}/export.csv"} <= routes


def test_a_created_webhook_links_to_its_deliveries_and_its_delete(
    document: dict[str, Any],
) -> None:
    links = _operation(document, "post", "/webhooks")["responses"]["201"]["links"]
    reached = {
        (method, route)
        for route, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and operation.get("operationId") in links
    }
    webhook = f"{BASE}/webhooks/{{webhook_id}}"
    assert reached == {("get", f"{webhook}/deliveries"), ("delete", webhook)}
    assert {link["parameters"]["webhook_id"] for link in links.values()} == {
        "$response.body#/data/id"
    }


def test_downloads_document_each_export_content_type(document: dict[str, Any]) -> None:
    download = document["paths"]["/v1/downloads/{token}"]
    for status in ("200", "206"):
        assert set(download["get"]["responses"][status]["content"]) == {
            "text/csv; charset=utf-8",
            "application/vnd.apache.parquet",
            "application/x-ndjson",
        }
    assert "200" in download["head"]["responses"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("TRACE", f"{BASE}/audiences", {"GET", "POST", "OPTIONS"}),
        ("PUT", f"{BASE}/audiences/x", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        ("POST", "/health", {"GET", "OPTIONS"}),
        ("DELETE", "/v1/downloads/x", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_every_405_lists_the_allowed_methods(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    reply = api.client.request(method, path)
    assert reply.status_code == 405
    assert {m.strip() for m in reply.headers["allow"].split(",")} == allowed


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (f"{BASE}/audiences", {"GET", "POST", "OPTIONS"}),
        (f"{BASE}/audiences/x", {"GET", "PATCH", "DELETE", "OPTIONS"}),
        (f"{BASE}/audiences/x/runs/y", {"GET", "DELETE", "OPTIONS"}),
    ],
)
def test_options_lists_every_method_of_the_path(api: Api, path: str, allowed: set[str]) -> None:
    reply = api.client.options(path)
    assert {m.strip() for m in reply.headers["allow"].split(",")} == allowed


def test_every_route_the_app_serves_is_in_the_document(api: Api, document: dict[str, Any]) -> None:
    served = {
        (method.lower(), re.sub(r"{(\w+):[^}]+}", r"{\1}", route.path))
        for route in api.client.app.routes
        if isinstance(route, HTTPRoute) and not route.path.startswith(DOCS)
        for handler in route.route_handlers
        if handler.include_in_schema
        for method in handler.http_methods
        if method.lower() in OPERATIONS
    }
    documented = {
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in OPERATIONS
    }
    assert served - documented == set()
    assert documented - served == set()
    for path in ("/backfills", "/runs/{run_id}/diff", "/runs/{run_id}/diff/entered"):
        assert f"{BASE}/audiences/{{audience_id}}{path}" in document["paths"]
    assert {f"{BASE}/webhooks", f"{BASE}/webhooks/{{webhook_id}}/deliveries"} <= set(
        document["paths"]
    )
