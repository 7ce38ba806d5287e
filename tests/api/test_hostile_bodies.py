"""Hostile request bodies: every JSON route checks the key before reading the body, and refuses
bodies that are too deep, not UTF-8 or carry NUL characters with 400, never a 500."""

import logging
import re
import uuid

import pytest
from litestar.routes import HTTPRoute

from tests.api.factories import BASE, Api, Tenant

DEEP = b"[" * 1000 + b"]" * 1000
JSON = {"content-type": "application/json"}
TOPICS = f"{BASE}/topics"  # topic discovery needs no key


def _json_routes(api: Api) -> list[tuple[str, str]]:
    """(method, path) of every route under the base path that takes a JSON body."""
    found = []
    for route in api.client.app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(BASE):
            continue
        path = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), route.path_format)
        for method, (handler, _) in route.route_handler_map.items():
            if "data" in handler.parsed_fn_signature.parameters:
                found.append((method, path))
    return found


def test_the_api_has_json_routes_to_check(api: Api) -> None:
    assert len(_json_routes(api)) >= 6


@pytest.mark.parametrize("body", [DEEP, b'{"a":"\xff"}', b"{not json"])
def test_unauthenticated_request_is_401_whatever_its_body(api: Api, body: bytes) -> None:
    keyed = [(m, p) for m, p in _json_routes(api) if not p.startswith(TOPICS)]
    replies = {(m, p): api.client.request(m, p, content=body, headers=JSON) for m, p in keyed}
    assert {r.status_code for r in replies.values()} == {401}, replies


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (DEEP, "nests deeper than 32 levels"),
        (b'{"name":"\xff"}', "is not valid UTF-8 (byte 9)"),
        (b'{"\xc3\x28":1}', "is not valid UTF-8 (byte 2)"),
        (b"{not json", "is not valid JSON"),
    ],
)
def test_deep_or_undecodable_body_is_400_on_every_json_route_without_a_traceback(
    api: Api, tenant: Tenant, caplog: pytest.LogCaptureFixture, body: bytes, message: str
) -> None:
    headers = {**tenant.headers, **JSON}
    for method, path in _json_routes(api):
        reply = api.client.request(method, path, content=body, headers=headers)
        assert reply.status_code == 400, (method, path, reply.text)
        error = reply.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"][0]["field"] == "body"
        assert error["details"][0]["message"].startswith(message)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_topic_routes_without_a_key_refuse_deep_bodies_with_400(api: Api) -> None:
    routes = [(m, p) for m, p in _json_routes(api) if p.startswith(TOPICS)]
    assert routes
    replies = [api.client.request(m, p, content=DEEP, headers=JSON) for m, p in routes]
    assert {r.status_code for r in replies} == {400}


def test_nesting_at_the_limit_is_decoded(api: Api, tenant: Tenant) -> None:
    config = api.config(sourceUrl="x")
    body = {
        "name": "n",
        "config": config,
        "extra": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    }
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.status_code == 400  # read as JSON; refused for the unknown field only
    assert "unknown field `extra`" in reply.json()["error"]["details"][0]["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(api: Api, tenant: Tenant) -> None:
    body = {"name": "[" * 100 + '{\\"', "config": api.config()}
    reply = api.client.post(f"{BASE}/audiences", json=body, headers=tenant.headers)
    assert reply.status_code == 201, reply.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Fin\x00ance"}, "name"),
        (
            {"config": {"filters": {"company.names": {"values": ["ok", "ac\x00me"]}}}},
            "config.filters.company.names.values[1]",
        ),
        ({"config": {"filters": {"company.na\x00mes": {"values": ["acme"]}}}}, "config.filters"),
    ],
)
def test_nul_characters_are_400_naming_the_field(
    api: Api, tenant: Tenant, body: dict[str, object], field: str
) -> None:
    payload = {"name": "n", **body, "config": {**api.config(), **body.get("config", {})}}  # type: ignore[dict-item]
    reply = api.client.post(f"{BASE}/audiences", json=payload, headers=tenant.headers)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == [{"field": field, "message": "must not contain NUL characters"}]
