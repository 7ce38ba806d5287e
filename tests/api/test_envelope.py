"""The envelope: meta on every answer, X-Request-Id on every response, errors in one shape."""

import re

import pytest

from tests.api.factories import BASE, Api, Tenant

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def test_success_carries_meta_with_timestamp_and_the_request_id(api: Api, tenant: Tenant) -> None:
    reply = api.client.get(f"{BASE}/audiences", headers=tenant.headers)
    meta = reply.json()["meta"]
    assert TIMESTAMP.fullmatch(meta["timestamp"])
    assert meta["request_id"] == reply.headers["x-request-id"]


@pytest.mark.parametrize("path", [f"{BASE}/audiences", "/no/such/route", "/health"])
def test_client_request_id_is_echoed_on_every_response(api: Api, path: str) -> None:
    reply = api.client.get(path, headers={"X-Request-Id": "trace-42"})
    assert reply.headers["x-request-id"] == "trace-42"


def test_unknown_route_is_a_404_in_the_error_envelope_with_a_new_request_id(api: Api) -> None:
    reply = api.client.get("/no/such/route")
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "NOT_FOUND"
    assert reply.json()["meta"]["request_id"] == reply.headers["x-request-id"]


def test_unsafe_client_request_id_is_replaced(api: Api) -> None:
    reply = api.client.get("/health", headers={"X-Request-Id": "a b\tc"})
    assert reply.headers["x-request-id"] != "a b\tc"


def test_body_over_64_kib_is_refused_with_413(api: Api, tenant: Tenant) -> None:
    body = {"name": "x", "config": {"topicIds": [1], "sourceUrl": "y" * 70_000}}
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_malformed_json_is_a_validation_error(api: Api, tenant: Tenant) -> None:
    headers = {**tenant.headers, "content-type": "application/json"}
    reply = api.client.post(f"{BASE}/audiences", content=b"{not json", headers=headers)
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "VALIDATION_ERROR"


def test_wrong_method_is_a_405_in_the_error_envelope(api: Api, tenant: Tenant) -> None:
    reply = api.client.put(f"{BASE}/audiences", json={}, headers=tenant.headers)
    assert reply.status_code == 405
    assert reply.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_query_out_of_range_names_the_parameter(api: Api, tenant: Tenant) -> None:
    reply = api.client.get(f"{BASE}/audiences?limit=101", headers=tenant.headers)
    assert reply.status_code == 400
    assert reply.json()["error"]["details"][0]["field"] == "limit"
