"""A deleted audience's runs and snapshots stop being served, on every route and link."""

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.api.factories import BASE, Api, Tenant

RUN_READS = (
    "",
    "/results",
    "/stats",
    "/export.csv",
    "/export.parquet",
    "/export.jsonl",
    "/exports",
)


@pytest.fixture
def deleted(api: Api, tenant: Tenant) -> dict[str, Any]:
    """A completed run with a stored export, whose audience has been deleted since."""
    audience_id, run_id = api.completed_run(tenant)
    export = api.client.post(
        api.run_url(audience_id, run_id, "/exports"), json={}, headers=tenant.headers
    ).json()["data"]
    api.client.delete(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    return {"audience_id": audience_id, "run_id": run_id, "export": export}


@pytest.mark.parametrize("tail", RUN_READS, ids=lambda tail: tail or "run")
def test_reads_of_a_deleted_audiences_run_are_404(
    api: Api, tenant: Tenant, deleted: dict[str, Any], tail: str
) -> None:
    url = api.run_url(deleted["audience_id"], deleted["run_id"], tail)
    reply = api.client.get(url, headers=tenant.headers)
    assert (reply.status_code, reply.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_stored_export_of_a_deleted_audiences_run_is_404(
    api: Api, tenant: Tenant, deleted: dict[str, Any]
) -> None:
    tail = f"/exports/{deleted['export']['export']['id']}"
    url = api.run_url(deleted["audience_id"], deleted["run_id"], tail)
    assert api.client.get(url, headers=tenant.headers).status_code == 404


def test_new_export_of_a_deleted_audiences_run_is_404(
    api: Api, tenant: Tenant, deleted: dict[str, Any]
) -> None:
    url = api.run_url(deleted["audience_id"], deleted["run_id"], "/exports")
    assert api.client.post(url, json={}, headers=tenant.headers).status_code == 404


def test_download_link_issued_before_the_delete_is_404(api: Api, deleted: dict[str, Any]) -> None:
    path = urlparse(deleted["export"]["downloadUrl"]).path
    assert api.client.get(path).status_code == 404


def test_runs_of_a_deleted_audience_cannot_be_listed_or_queued(
    api: Api, tenant: Tenant, deleted: dict[str, Any]
) -> None:
    url = f"{BASE}/audiences/{deleted['audience_id']}/runs"
    assert api.client.get(url, headers=tenant.headers).status_code == 404
    assert api.client.post(url, json={}, headers=tenant.headers).status_code == 404


def test_replay_of_an_idempotent_run_creation_is_404_once_the_audience_is_deleted(
    api: Api, tenant: Tenant
) -> None:
    audience_id = api.audience(tenant)["id"]
    url = f"{BASE}/audiences/{audience_id}/runs"
    headers = {**tenant.headers, "Idempotency-Key": "before-delete"}
    assert api.client.post(url, json={}, headers=headers).status_code == 202
    api.client.delete(f"{BASE}/audiences/{audience_id}", headers=tenant.headers)
    assert api.client.post(url, json={}, headers=headers).status_code == 404
