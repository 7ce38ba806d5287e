"""Authentication: x-api-key only, one identical 401 body for every way a key can be wrong."""

import re
import uuid

import pytest
from litestar.routes import HTTPRoute

from jobs import accounts
from tests.api.factories import BASE, Api, Tenant


def _error_of(api: Api, headers: dict[str, str]) -> tuple[int, dict[str, object]]:
    reply = api.client.get(f"{BASE}/audiences", headers=headers)
    return reply.status_code, reply.json()["error"]


def test_missing_unknown_revoked_and_bearer_keys_get_one_identical_401(
    api: Api, tenant: Tenant
) -> None:
    revoked = api.tenant()
    accounts.revoke_api_key(api.store, revoked.key_id, api.clock())
    attempts = [
        {},
        {"x-api-key": "sk_unknown_secret"},
        {"x-api-key": tenant.api_key[:-2] + "00"},
        revoked.headers,
        {"Authorization": f"Bearer {tenant.api_key}"},
    ]
    replies = [_error_of(api, headers) for headers in attempts]
    assert {status for status, _ in replies} == {401}
    assert all(error == replies[0][1] for _, error in replies)
    assert replies[0][1]["code"] == "UNAUTHORIZED"
    assert "x-api-key" in str(replies[0][1]["message"])


def test_live_key_is_accepted(api: Api, tenant: Tenant) -> None:
    assert api.client.get(f"{BASE}/audiences", headers=tenant.headers).status_code == 200


def _keyed_routes(api: Api) -> list[tuple[str, str]]:
    routes = [r for r in api.client.app.routes if isinstance(r, HTTPRoute)]
    found = []
    for route in routes:
        if not route.path.startswith(BASE) or route.path.startswith(f"{BASE}/topics"):
            continue  # topic discovery needs no key (tests/api/test_topics_routes.py)
        path = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), route.path_format)
        found += [(method, path) for method in route.methods if method not in ("HEAD", "OPTIONS")]
    return found


def test_every_route_under_the_base_path_needs_a_key(api: Api) -> None:
    routes = _keyed_routes(api)
    assert len(routes) >= 19
    refused = {(m, p): api.client.request(m, p, json={}).status_code for m, p in routes}
    assert set(refused.values()) == {401}, refused


@pytest.mark.parametrize("path", ["/health", "/schema/openapi.json"])
def test_operations_and_docs_need_no_key(api: Api, path: str) -> None:
    assert api.client.get(path).status_code == 200
