"""Organizations cannot see each other: another's audience, run or export reads as missing,
on every route that takes an id; malformed ids are 404 as well."""

import re
from urllib.parse import urlparse

import pytest
from litestar.routes import HTTPRoute

from tests.api.factories import BASE, Api, Tenant

Ids = dict[str, str]


@pytest.fixture
def owned(api: Api, tenant: Tenant) -> Ids:
    audience_id, run_id = api.completed_run(tenant)
    url = api.run_url(audience_id, run_id, "/exports")
    export = api.client.post(url, json={}, headers=tenant.headers).json()["data"]
    hook = {"url": "https://93.184.215.14/hooks", "events": ["run.completed"]}
    webhook = api.client.post(f"{BASE}/webhooks", json=hook, headers=tenant.headers).json()
    return {
        "webhook_id": webhook["data"]["id"],
        "audience_id": audience_id,
        "run_id": run_id,
        "export_id": export["export"]["id"],
        "download": urlparse(export["downloadUrl"]).path,
    }


def _id_routes(api: Api, ids: Ids) -> list[tuple[str, str]]:
    """Every (method, path) under the base path that takes an organization's id, filled with
    `ids` (topic ids are shared by everyone: their 404s are in test_topics_routes.py)."""
    found = []
    for route in api.client.app.routes:
        if not isinstance(route, HTTPRoute) or "{" not in route.path_format:
            continue
        if route.path.startswith(BASE) and not route.path.startswith(f"{BASE}/topics"):
            path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], route.path_format)
            found += [(m, path) for m in sorted(route.methods) if m not in ("HEAD", "OPTIONS")]
    return found


def test_every_id_route_answers_404_for_another_organizations_resources(
    api: Api, tenant: Tenant, owned: Ids
) -> None:
    stranger = api.tenant()
    routes = _id_routes(api, owned)
    assert len(routes) >= 14
    for method, path in routes:
        reply = api.client.request(method, path, json={}, headers=stranger.headers)
        assert (method, path, reply.status_code) == (method, path, 404)
        assert reply.json()["error"]["code"] == "NOT_FOUND"


def test_another_organizations_resource_reads_exactly_like_a_missing_one(
    api: Api, tenant: Tenant, owned: Ids
) -> None:
    stranger = api.tenant()
    theirs = api.client.get(f"{BASE}/audiences/{owned['audience_id']}", headers=stranger.headers)
    missing_id = "00000000-0000-4000-8000-000000000000"
    missing = api.client.get(f"{BASE}/audiences/{missing_id}", headers=stranger.headers)
    assert theirs.json()["error"] == missing.json()["error"]


@pytest.mark.parametrize("field", ["audience_id", "run_id", "export_id"])
def test_malformed_ids_are_404(api: Api, tenant: Tenant, owned: Ids, field: str) -> None:
    routes = _id_routes(api, {**owned, field: "not-a-uuid"})
    affected = [(m, p) for m, p in routes if "not-a-uuid" in p]
    assert affected
    for method, path in affected:
        reply = api.client.request(method, path, json={}, headers=tenant.headers)
        assert (method, path, reply.status_code) == (method, path, 404)


def test_owner_still_reads_everything(api: Api, tenant: Tenant, owned: Ids) -> None:
    for tail in ("", "/results", "/stats", f"/exports/{owned['export_id']}"):
        url = api.run_url(owned["audience_id"], owned["run_id"], tail)
        assert api.client.get(url, headers=tenant.headers).status_code == 200
    assert api.client.get(owned["download"]).status_code == 200
