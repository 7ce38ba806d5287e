"""The OpenAPI document and docs: served by the app, 3.1, and every route declares its errors."""

from typing import Any

import pytest

from tests.api.factories import BASE, Api

OPERATIONS = ("get", "post", "patch", "delete", "put")
TOPICS = f"{BASE}/topics"  # topic discovery: no key, limited per client address


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
